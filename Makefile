# The README's two commands are `make run` and `make test`; the rest are conveniences.
.PHONY: install run test lint format typecheck services-up services-down clean createsuperuser

install:
	scripts/bootstrap.sh

run:
	scripts/run.sh

test:
	scripts/test.sh

# The admin login `make run` prints: works in a new terminal (scripts/manage.sh sets its env).
createsuperuser:
	scripts/manage.sh createsuperuser

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

typecheck:
	.venv/bin/mypy .

services-up: install
	.venv/bin/python scripts/devservices.py start

services-down:
	.venv/bin/python scripts/devservices.py stop

clean: services-down
	rm -rf .data .venv staticfiles
