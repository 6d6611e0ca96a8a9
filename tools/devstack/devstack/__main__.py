"""python -m devstack run | seed  — the system on this machine, in one command (DEMO_DATA=off: empty)."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path

from devstack import broker, demo, seed
from devstack.stack import DEFAULT_ADMIN_EMAIL, DEFAULT_ADMIN_PASSWORD, Stack, StackConfig
from devstack.topology import ALL


def _config() -> StackConfig:
    config = StackConfig()
    config.var_dir = Path(os.environ.get("VAR_DIR", config.var_dir)).resolve()
    for component in ALL:
        if os.environ.get(component.port_var):
            config.ports[component.name] = int(os.environ[component.port_var])
    config.smtp_port = int(os.environ.get("SMTP_PORT", config.smtp_port))
    # A demo on one's own machine: the seeder signs in as the owner by password and the demo logins work at
    # once; anyone may still turn two-factor sign-in on. To try the production rule, set TWO_FACTOR_REQUIRED_ROLES
    # with DEMO_DATA=off (the seeder could not sign in): the owner sets it up at the first sign-in.
    if "TWO_FACTOR_REQUIRED_ROLES" not in os.environ:
        config.extra_env["TWO_FACTOR_REQUIRED_ROLES"] = ""
    return config


def _banner(config: StackConfig, logins: list[seed.Login]) -> str:
    lines = ["", "=" * 72, "Therapy center is running.", "",
             f"  Open             {config.gateway_url}/   (sign in with a login below)",
             f"  API gateway      {config.gateway_url}/api/v1/   (OpenAPI: {config.gateway_url}/api/v1/openapi.json)",
             f"  Health           {config.gateway_url}/healthz", f"  E-mails          {config.mail_dir}/*.eml",
             "", "  Logins (the sign-in page, or POST /api/v1/auth/login {email, password}):"]
    lines += [f"    {login.role:<11} {login.email:<32} {login.password}" for login in logins]
    lines += ["", "  Walk-through: README.md, section 'Try the spine'.  Ctrl-C stops everything.", "=" * 72, ""]
    return "\n".join(lines)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _seed(base_url: str, admin_email: str, admin_password: str) -> list[seed.Login]:
    """The demo centre (catalogue, staff, then the living demo), unless DEMO_DATA=off asks for an empty one."""
    if not demo.enabled(os.environ):
        print(f"{demo.SETTING}=off: no demo centre; sign in as the first administrator to set yours up.", flush=True)
        return [seed.Login("org_admin", admin_email, admin_password)]
    logins = seed.seed(base_url, admin_email, admin_password)
    print("Seeding the living demo centre (families, sessions, invoices) ...", flush=True)
    print(demo.seed_demo(base_url), flush=True)
    return logins


def run() -> None:
    config = _config()
    stack = Stack(config)
    broker.ensure_running(stack.env.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F"))
    print("Migrating databases ...", flush=True)
    stack.prepare()
    # Explicit handlers: a shell may start us with SIGINT ignored (background jobs), yet Ctrl-C must stop.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    try:
        stack.start()
        stack.wait_healthy(timeout=120)
        logins = _seed(config.gateway_url, stack.env["ADMIN_EMAIL"], stack.env["ADMIN_PASSWORD"])
        print(_banner(config, logins), flush=True)
        while not stack.supervisor.dead():
            time.sleep(1)
        print(f"a process exited: {', '.join(p.name for p in stack.supervisor.dead())}; stopping", flush=True)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    parser.add_argument("command", choices=["run", "seed"])
    args = parser.parse_args()
    if args.command == "run":
        run()
    else:
        config = _config()
        logins = _seed(config.gateway_url, os.environ.get("ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL),
                       os.environ.get("ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD))
        print(_banner(config, logins))
    sys.exit(0)


if __name__ == "__main__":
    main()
