# The two commands of README.md.
.PHONY: run test bench
run:   ## set up and run unionplan on the embedded default (SQLite, in-process jobs, demo data)
	scripts/run.sh
test:  ## set up and run the whole test suite (real PostgreSQL, Redis, headless Chromium)
	scripts/test.sh
