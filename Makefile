# The two commands of the quick start; each installs what it needs first.
.PHONY: serve test protos

serve:  ## install, then run the paper-trading service on the embedded default
	bash scripts/bootstrap.sh
	.venv/bin/autotrader serve --data-dir ./var --grpc-port 50051

test:  ## install, then run ruff, mypy, import contracts and the whole test suite
	bash scripts/test.sh

protos:  ## regenerate the gRPC stubs after editing proto/
	bash scripts/gen_protos.sh
