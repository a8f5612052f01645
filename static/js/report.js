/* The unit report page: every entry saves itself as it is typed, evidence uploads with a
 * progress bar, and 提交报表 saves everything before it checks and asks. Nothing typed is lost:
 * a failed save keeps the text and says so, and leaving the page with unsaved text asks first. */
(function () {
  "use strict";

  var page = document.querySelector("[data-testid=report-page]");
  if (!page) return;
  var SAVE_DELAY = 1200; // ms after typing stops
  var savers = [];

  function token(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setBadge(id, text, cls) {
    var badge = document.querySelector('[data-save-state="' + id + '"]');
    if (badge) {
      badge.textContent = text;
      badge.className = "badge entry-save-state " + cls;
    }
  }

  function setDot(id, state) {
    var dot = document.querySelector('[data-index-dot="' + id + '"]');
    if (dot) dot.className = "index-dot state-" + state;
    var count = document.getElementById("answered-count");
    if (count) count.textContent = String(document.querySelectorAll(".index-dot.state-saved").length);
  }

  function setLine(id, nodes, cls) {
    var line = document.querySelector('[data-save-line="' + id + '"]');
    if (!line) return;
    line.className = "small entry-save-line " + (cls || "");
    line.replaceChildren.apply(line, [].concat(nodes));
  }

  function openEntry(id, focus) {
    var card = document.getElementById("entry-" + id);
    if (!card) return;
    card.open = true;
    card.scrollIntoView({ block: "start" });
    if (focus) {
      var field = card.querySelector("textarea") || card.querySelector("input:not([type=hidden])");
      if (field) field.focus({ preventScroll: true });
    }
  }

  // Figures to verify (请核实): yellow, beside the figure; they never stop saving or submitting.
  function warningNode(message) {
    var node = el("span", "figure-warning d-inline-block small text-warning-emphasis bg-warning-subtle border border-warning-subtle rounded px-1 my-1");
    node.dataset.testid = "figure-warning";
    var icon = el("i", "bi bi-exclamation-triangle-fill text-warning");
    icon.setAttribute("aria-hidden", "true");
    node.appendChild(icon);
    node.appendChild(document.createTextNode(" " + message));
    return node;
  }

  function showWarnings(form, warnings) {
    form.querySelectorAll("[data-figure-warnings]").forEach(function (box) {
      var mine = warnings.filter(function (w) { return String(w.indicator) === box.dataset.figureWarnings; });
      box.replaceChildren.apply(box, mine.map(function (w) { return warningNode(w.message); }));
    });
  }

  // --- one entry: autosave ------------------------------------------------------------------

  function EntrySaver(form) {
    this.form = form;
    this.id = form.dataset.entry;
    this.dirty = false;
    this.failed = false;
    this.conflicted = false;
    this.pending = null;
    this.timer = null;
    var self = this;
    form.addEventListener("input", function () { self.changed(); });
    form.addEventListener("change", function () { self.changed(); });
    form.addEventListener("focusout", function () { if (self.dirty && !self.conflicted) self.save(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.save();
    });
  }

  EntrySaver.prototype.changed = function () {
    this.dirty = true;
    this.failed = false;
    setBadge(this.id, "未保存", "text-bg-warning");
    setDot(this.id, "unsaved");
    setLine(this.id, "有未保存的修改，稍后自动暂存…", "text-muted");
    clearTimeout(this.timer);
    if (!this.conflicted) {
      var self = this;
      this.timer = setTimeout(function () { self.save(); }, SAVE_DELAY);
    }
  };

  EntrySaver.prototype.save = function () {
    clearTimeout(this.timer);
    var self = this;
    if (this.pending) {
      // One request at a time per entry; what was typed meanwhile is saved right after.
      return this.pending.then(function () { return self.dirty ? self.save() : !self.failed; });
    }
    if (!this.dirty) return Promise.resolve(!this.failed);
    this.pending = this.send().then(function (ok) {
      self.pending = null;
      return ok;
    });
    return this.pending;
  };

  EntrySaver.prototype.send = function () {
    var self = this;
    this.dirty = false;
    setLine(this.id, "保存中…", "text-muted");
    var body = new FormData(this.form);
    return fetch(this.form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token(this.form) },
    })
      .then(function (response) {
        return response.json().then(
          function (data) { return { status: response.status, data: data }; },
          function () { return { status: response.status, data: {} }; }
        );
      })
      .then(function (result) {
        var data = result.data;
        if (result.status === 200 && data.ok) {
          self.form.querySelector('input[name$="-version"]').value = data.version;
          self.failed = false;
          self.conflicted = false;
          if (self.dirty) {
            self.changed(); // typed while the request was on its way: save that too
          } else {
            if (data.answered) {
              setBadge(self.id, "已暂存 " + data.saved_at, "text-bg-success");
            } else {
              setBadge(self.id, "未填写", "text-bg-light border");
            }
            setDot(self.id, data.answered ? "saved" : "empty");
            setLine(self.id, "已暂存 " + data.saved_at, "text-success");
          }
          showWarnings(self.form, data.warnings || []);
          return true;
        }
        if (result.status === 409 && data.conflict) {
          self.showConflict(data);
          return self.fail("与其他页面的修改冲突，未保存", false);
        }
        return self.fail(data.message || "保存失败（" + result.status + "）", true);
      })
      .catch(function () {
        return self.fail("网络连接失败，未保存", true);
      });
  };

  EntrySaver.prototype.fail = function (message, retry) {
    this.failed = true;
    this.dirty = true; // the text stays in the page and still needs saving
    setBadge(this.id, "保存失败", "text-bg-danger");
    setDot(this.id, "failed");
    var nodes = [el("span", "", message + " ")];
    if (retry) {
      var self = this;
      var button = el("button", "btn btn-link btn-sm p-0 align-baseline", "重试");
      button.type = "button";
      button.dataset.testid = "retry";
      button.addEventListener("click", function () { self.save(); });
      nodes.push(el("span", "", "— "), button);
    }
    setLine(this.id, nodes, "text-danger");
    return false;
  };

  EntrySaver.prototype.showConflict = function (data) {
    var self = this;
    var box = this.form.querySelector(".entry-conflict");
    var current = data.current || {};
    this.conflicted = true;
    box.replaceChildren();
    box.appendChild(el("div", "fw-semibold", data.message));
    box.appendChild(el("div", "mt-1", "另一处保存的内容："));
    box.appendChild(el("blockquote", "border-start ps-2 my-1 conflict-theirs", current.narrative || "（空）"));
    box.appendChild(el("div", "", "您在本页输入的内容仍保留在下面的输入框中。"));
    if (current.editable) {
      var mine = el("button", "btn btn-sm btn-warning me-2 mt-1", "保留我的内容（覆盖）");
      var theirs = el("button", "btn btn-sm btn-outline-secondary mt-1", "改用另一处的内容");
      mine.type = theirs.type = "button";
      mine.addEventListener("click", function () {
        self.form.querySelector('input[name$="-version"]').value = current.version;
        self.conflicted = false;
        box.classList.add("d-none");
        self.dirty = true;
        self.save();
      });
      theirs.addEventListener("click", function () {
        self.form.querySelector('input[name$="-version"]').value = current.version;
        self.form.querySelector("textarea.narrative").value = current.narrative || "";
        self.conflicted = false;
        self.failed = false;
        self.dirty = true;
        box.classList.add("d-none");
        self.save();
      });
      box.appendChild(mine);
      box.appendChild(theirs);
    } else {
      box.appendChild(el("div", "", "该条目已" + current.state + "，请复制您的内容后刷新页面。"));
    }
    box.classList.remove("d-none");
  };

  document.querySelectorAll("form.entry-form").forEach(function (form) {
    savers.push(new EntrySaver(form));
  });

  function saveAll() {
    return Promise.all(savers.map(function (s) { return s.save(); })).then(function (results) {
      return results.every(Boolean);
    });
  }

  // --- 沿用上期 ----------------------------------------------------------------------------

  var previous = {};
  var previousNode = document.getElementById("previous-narratives");
  if (previousNode) previous = JSON.parse(previousNode.textContent);

  function copyPrevious(id, ask) {
    var form = document.querySelector('form.entry-form[data-entry="' + id + '"]');
    if (!form || !(id in previous)) return false;
    var area = form.querySelector("textarea.narrative");
    if (area.value.trim() && ask && !window.confirm("用上期内容替换本条目已输入的内容？")) return false;
    area.value = previous[id];
    area.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }

  document.querySelectorAll("button.copy-previous").forEach(function (button) {
    button.addEventListener("click", function () {
      if (copyPrevious(button.dataset.entry, true)) {
        var area = document.querySelector('form.entry-form[data-entry="' + button.dataset.entry + '"] textarea');
        area.focus();
      }
    });
  });

  var copyAll = document.getElementById("copy-all-previous");
  if (copyAll) {
    copyAll.addEventListener("click", function () {
      var count = 0;
      Object.keys(previous).forEach(function (id) {
        var form = document.querySelector('form.entry-form[data-entry="' + id + '"]');
        if (!form || form.querySelector("textarea.narrative").value.trim()) return;
        if (form.querySelector(".na-check").checked) return;
        if (copyPrevious(id, false)) count += 1;
      });
      copyAll.textContent = count ? "已为 " + count + " 个空白条目填入上期内容，请逐条核对" : "没有可沿用的空白条目";
      copyAll.disabled = true;
      saveAll();
    });
  }

  // --- evidence: several files at once, with progress ---------------------------------------

  function uploadOne(form, file, progressBox) {
    return new Promise(function (resolve) {
      var row = el("div", "upload-row small");
      var name = el("div", "text-truncate", file.name);
      var bar = el("div", "progress");
      var fill = el("div", "progress-bar");
      bar.setAttribute("role", "progressbar");
      bar.setAttribute("aria-label", "上传 " + file.name);
      fill.style.width = "0%";
      bar.appendChild(fill);
      row.appendChild(name);
      row.appendChild(bar);
      progressBox.appendChild(row);
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token(form));
      data.append("file", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", token(form));
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) fill.style.width = Math.round((100 * event.loaded) / event.total) + "%";
      });
      function failed(message) {
        row.replaceChildren(el("span", "text-danger", file.name + "：" + message));
        row.dataset.testid = "upload-error";
        var dismiss = el("button", "btn btn-link btn-sm p-0 ms-2", "知道了");
        dismiss.type = "button";
        dismiss.addEventListener("click", function () { row.remove(); });
        row.appendChild(dismiss);
        resolve(false);
      }
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        if (xhr.status === 201 && body.ok) {
          var list = form.closest(".attachments").querySelector(".attachment-list");
          body.html.forEach(function (html) { list.insertAdjacentHTML("beforeend", html); });
          updateCount(form.closest(".attachments"));
          row.remove();
          resolve(true);
        } else {
          failed((body.errors || []).join("；") || "上传失败（" + xhr.status + "）");
        }
      });
      xhr.addEventListener("error", function () { failed("网络连接失败，未上传"); });
      xhr.send(data);
    });
  }

  function updateCount(box) {
    var count = box.querySelector("[data-attachment-count]");
    if (count) count.textContent = String(box.querySelectorAll(".attachment-item").length);
  }

  document.querySelectorAll("form.upload-form").forEach(function (form) {
    var input = form.querySelector("input[type=file]");
    var progressBox = form.parentElement.querySelector(".upload-progress");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files);
      input.value = "";
      files.reduce(function (chain, file) {
        return chain.then(function () { return uploadOne(form, file, progressBox); });
      }, Promise.resolve());
    });
  });

  page.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("attachment-delete")) return;
    event.preventDefault();
    if (!window.confirm("确定删除“" + form.dataset.name + "”？")) return;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token(form) },
    }).then(function (response) {
      if (response.ok) {
        var box = form.closest(".attachments");
        form.closest(".attachment-item").remove();
        updateCount(box);
      } else {
        window.alert("删除失败，请刷新页面后重试。");
      }
    });
  });

  // --- submit: save everything, check, then ask --------------------------------------------

  var submitForm = document.getElementById("submit-form");
  var live = document.getElementById("missing-live");

  function showProblems(problems) {
    live.replaceChildren(el("strong", "", "还不能提交，请先补全以下 " + problems.length + " 项（点击可跳到该条目）："));
    var list = el("ul", "mb-0");
    problems.forEach(function (p) {
      var item = el("li");
      if (p.entry) {
        var link = el("a", "alert-link missing-link", p.message);
        link.href = "#entry-" + p.entry;
        link.dataset.entry = p.entry;
        item.appendChild(link);
      } else {
        item.textContent = p.message;
      }
      list.appendChild(item);
    });
    live.appendChild(list);
    live.classList.remove("d-none");
    live.scrollIntoView({ block: "start" });
    live.focus({ preventScroll: true });
  }

  if (submitForm) {
    var button = submitForm.querySelector("button[type=submit]");
    submitForm.addEventListener("submit", function (event) {
      if (submitForm.dataset.confirmed) return;
      event.preventDefault();
      button.disabled = true;
      button.textContent = "正在保存…";
      saveAll()
        .then(function (allSaved) {
          if (!allSaved) {
            var failed = savers.filter(function (s) { return s.failed; });
            showProblems(failed.map(function (s) {
              return { entry: s.id, message: "第 " + document.getElementById("entry-" + s.id).dataset.taskNumber + " 项未能保存，请先处理" };
            }));
            return null;
          }
          button.textContent = "正在检查…";
          return fetch(page.dataset.checkUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.json(); })
            .then(function (check) {
              if (!check.can_submit) {
                showProblems(check.missing);
                return null;
              }
              live.classList.add("d-none");
              document.getElementById("submit-count").textContent = String(check.count);
              var box = document.getElementById("submit-warnings");
              var warnings = check.warnings || [];
              box.classList.toggle("d-none", !warnings.length);
              box.replaceChildren();
              if (warnings.length) {
                box.appendChild(el("strong", "", "以下 " + warnings.length + " 个数字请核实（仍可提交）："));
                var list = el("ul", "mb-0");
                warnings.forEach(function (w) {
                  list.appendChild(el("li", "", "第 " + w.task_number + " 项：" + w.message));
                });
                box.appendChild(list);
              }
              bootstrap.Modal.getOrCreateInstance(document.getElementById("submit-confirm")).show();
              return null;
            });
        })
        .catch(function () {
          showProblems([{ entry: null, message: "网络连接失败，请稍后再试；已输入的内容仍在本页。" }]);
        })
        .then(function () {
          button.disabled = false;
          button.textContent = "提交报表";
        });
    });
    document.getElementById("submit-confirmed").addEventListener("click", function () {
      this.disabled = true;
      submitForm.dataset.confirmed = "1";
      submitForm.submit();
    });
  }

  // --- index, links to entries, leaving the page -------------------------------------------

  page.addEventListener("click", function (event) {
    var link = event.target.closest("a.missing-link, a.index-link");
    if (!link) return;
    event.preventDefault();
    openEntry(link.dataset.entry, link.classList.contains("missing-link"));
    history.replaceState(null, "", "#entry-" + link.dataset.entry);
  });

  var index = document.getElementById("report-index");
  if (index && window.matchMedia("(max-width: 991.98px)").matches) index.open = false;

  var hash = /^#entry-(\d+)$/.exec(window.location.hash);
  if (hash) openEntry(hash[1], false);

  window.addEventListener("beforeunload", function (event) {
    if (submitForm && submitForm.dataset.confirmed) return;
    var unsaved = savers.some(function (s) { return s.dirty || s.pending; });
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
