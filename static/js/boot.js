/* Runs first, in <head>: marks the page as scripted so that no-JS fallbacks (class js-hide) hide. */
document.documentElement.classList.replace("no-js", "js");
