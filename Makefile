# Shortcuts; the scripts work without make.
.PHONY: run test bench lint
run:
	./scripts/run
test:
	./scripts/test
bench:
	./bench/run $(ARGS)
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
