"""`mockcar serve | scenarios | health | validate | postman | schema`: flags map one to
one onto `Settings`.

Every failure is one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mockcar.settings import (
    DEFAULT_HOST,
    Settings,
    bundled_names,
    bundled_scenarios,
    scenario_file,
)
from mockcar.settings import port as settings_port
from mockcar.settings import server as settings_server
from mockcar.settings import speed as settings_speed
from mockcar.settings import state_sync as settings_state_sync

if TYPE_CHECKING:
    from mockcar.domain.world.world import World
    from mockcar.state.keeper import StateKeeper
    from mockcar.state.snapshot import Rebuilt

HEALTH_PATH = "/_mockcar/health"
EXIT_USAGE = 2
EXIT_INVALID = 1


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockcar", description="A local stand-in for the Smartcar platform."
    )
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="show program's version number and exit")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve a scenario over HTTP")
    serve.add_argument("--scenario", metavar="FILE|NAME",
                       help="scenario YAML file, or a bundled scenario's name (`mockcar "
                            "scenarios` lists them; default: default)")
    serve.add_argument("--host", help=f"bind address (default {DEFAULT_HOST})")
    serve.add_argument("--port", type=_port, help="port, 1-65535 (default 8765; 0 picks a "
                                                   "free one)")
    serve.add_argument("--public-url", help="origin clients use to reach mockcar")
    serve.add_argument("--seed", type=int, help="override the scenario's seed")
    serve.add_argument("--speed", metavar="N",
                       help="run the world's clock N times faster than real time (default 1)")
    serve.add_argument("--quiet", action="store_true", default=None,
                       help="no request log on the console (MOCKCAR_QUIET=1)")
    serve.add_argument("--server", metavar="uvicorn|granian",
                       help="the HTTP server to run on (default uvicorn; granian needs "
                            "`pip install 'mockcar[granian]'`; MOCKCAR_SERVER)")
    serve.add_argument("--state", metavar="PATH",
                       help="keep tokens, connections, commands' effects, the clock, faults "
                            "and webhooks in this SQLite file across restarts "
                            "(MOCKCAR_STATE; default: in memory only)")
    serve.add_argument("--import", dest="import_file", metavar="FILE", type=Path,
                       help="start from a snapshot (GET /_mockcar/snapshot, --export-on-exit)")
    serve.add_argument("--export-on-exit", metavar="FILE", type=Path,
                       help="write a snapshot of the whole state to FILE on a clean "
                       "shutdown (Ctrl-C, SIGTERM)")
    serve.add_argument("--reset-state", action="store_true", default=None,
                       help="start from the scenario alone, emptying the --state file")
    serve.add_argument("--state-sync", metavar="normal|full",
                       help="normal (default) survives the process being killed; full also "
                            "a power cut, with an fsync per change (MOCKCAR_STATE_SYNC)")
    serve.set_defaults(run=_serve)

    scenarios = commands.add_parser("scenarios", help="list the bundled scenarios")
    scenarios.set_defaults(run=_scenarios)

    health = commands.add_parser("health", help="ask a running mockcar whether it is up")
    health.add_argument("url", nargs="?", metavar="URL",
                        help="the server's origin (default: from --host and --port)")
    health.add_argument("--host", help="host (default: MOCKCAR_HOST or 127.0.0.1)")
    health.add_argument("--port", type=_port, help="port (default: MOCKCAR_PORT or 8765)")
    health.add_argument("--timeout", type=float, default=2.0, help="seconds to wait")
    health.set_defaults(run=_health)

    validate = commands.add_parser("validate", help="check scenario files")
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.set_defaults(run=_validate)

    postman = commands.add_parser(
        "postman", help="write a Postman collection and environment for a scenario")
    postman.add_argument("--out", type=Path, required=True, metavar="DIR",
                         help="folder to write them to (created if missing)")
    postman.add_argument("--scenario", metavar="FILE|NAME",
                         help="scenario YAML file or bundled name (default: default)")
    postman.add_argument("--host", help=f"the server's bind address (default {DEFAULT_HOST})")
    postman.add_argument("--port", type=_port, help="the server's port (default 8765)")
    postman.add_argument("--public-url", help="origin Postman reaches mockcar at ({{baseUrl}})")
    postman.add_argument("--seed", type=int, help="override the scenario's seed")
    postman.set_defaults(run=_postman)

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of scenario files (for editors)")
    schema.set_defaults(run=_schema)
    return parser


def _port(raw: str) -> int:
    try:
        return settings_port(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--port ")) from None


class _Version(argparse.Action):
    """argparse's "version" action, reading the installed version only when asked:
    importlib.metadata costs tens of milliseconds, on every command's start otherwise."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"mockcar {_version()}")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mockcar")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _settings(args: argparse.Namespace) -> Settings:
    try:
        return Settings.from_env(
            scenario=None if args.scenario is None else scenario_file(args.scenario),
            host=args.host, port=args.port, public_url=args.public_url, seed=args.seed,
            speed=None if getattr(args, "speed", None) is None else settings_speed(args.speed),
            quiet=getattr(args, "quiet", None),
            server=None if getattr(args, "server", None) is None else settings_server(args.server),
            state=None if getattr(args, "state", None) is None else Path(args.state),
            reset_state=getattr(args, "reset_state", None),
            state_sync=(None if getattr(args, "state_sync", None) is None
                        else settings_state_sync(args.state_sync)),
        )
    except ValueError as exc:
        _fail(str(exc), EXIT_USAGE)
        raise AssertionError  # unreachable; _fail exits


def _serve(args: argparse.Namespace) -> int:
    # A start makes ~50,000 objects that live as long as the server (modules, classes,
    # the World) and next to no cyclic garbage, yet the cyclic collector would walk them
    # ~140 times before the first request (~80 ms CPU of a ~500 ms start). It waits until
    # the server is about to run, then finds them all in its oldest generation
    # (`_collect_again`), as if they had survived its collections.
    gc.disable()
    from mockcar import method_cache

    # The code of dataclasses' generated methods, kept from the last start (~100 ms CPU).
    method_cache.install()
    try:
        return _start_and_serve(args)
    finally:
        method_cache.uninstall()  # already done once the server ran
        gc.enable()  # already on once the server ran; on after a failed start too


def _start_and_serve(args: argparse.Namespace) -> int:
    from mockcar import user_cache
    from mockcar.scenario import ScenarioError, load_world
    from mockcar.server import PortInUse, banner, listen, serve, unavailable
    from mockcar.web.templating import TEMPLATES

    settings = _settings(args)
    missing = unavailable(settings)
    if missing is not None:
        _fail(missing, EXIT_USAGE)
    try:
        # The scenario as an earlier start validated it, when its text is unchanged
        # (mockcar.scenario.cache): no PyYAML, no validation, no validator built.
        world = load_world(settings.scenario, seed=settings.seed, cached=True)
    except ScenarioError as exc:
        _fail(str(exc), EXIT_INVALID)
    # The pages' templates compiled once for later starts too (their first page).
    TEMPLATES.keep_compiled(user_cache.directory())
    restored = _import_snapshot(args, settings, world)  # before a state file is opened
    keeper = _open_state(settings, world)
    # The port before the banner: the banner's links must be this server's.
    try:
        sock, settings = listen(settings)
    except PortInUse as exc:
        _fail(str(exc), EXIT_INVALID)
        raise AssertionError from exc  # unreachable; _fail exits
    except OSError as exc:
        _fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}",
              EXIT_INVALID)
        raise AssertionError from exc  # unreachable; _fail exits
    print(banner(settings, world), flush=True)
    if keeper is not None:
        print("\n".join(keeper.notes), flush=True)
    _collect_again()
    serve(settings, world, sock, keeper=keeper, restored=restored,
          export_to=getattr(args, "export_on_exit", None))
    return 0


# Objects the cyclic collector lets the server allocate (net) before a young collection;
# Python's default is 700. A request that waits across an event-loop turn (with
# `--state`, every command waits for its group commit) keeps its objects alive, so at
# 700 a young collection ran every ~10 requests and promoted the waiting requests'
# objects, which then made the oldest generation (the World, and with `--state` the
# records of every token and connection) due for full walks of ~90 ms each: ~100 us of
# CPU per command at 32 concurrent clients, a quarter of a command's cost. Young objects
# are freed by reference counting as before; only cyclic garbage waits longer (a few MB).
YOUNG_GENERATION = 50_000


def _collect_again() -> None:
    """The cyclic collector back on, with every object made so far in its oldest
    generation (freeze, then unfreeze: two list splices, no walk): the next young
    collections look only at what the server allocates from here; a full collection,
    when one comes, frees the start's little garbage as it would have. Dataclasses
    compile their methods again (mockcar.method_cache)."""
    from mockcar import method_cache

    method_cache.uninstall()
    gc.freeze()
    gc.unfreeze()
    gc.set_threshold(YOUNG_GENERATION, *gc.get_threshold()[1:])
    gc.enable()


def _import_snapshot(args: argparse.Namespace, settings: Settings,
                     world: World) -> list[Rebuilt] | None:
    """`--import FILE` applied onto the scenario's World, every registered application's
    World rebuilt, before the port is bound; `--export-on-exit FILE` checked writable.
    A file that cannot be used is one line and exit 1."""
    from mockcar.state import files, snapshot

    source: Path | None = getattr(args, "import_file", None)
    target: Path | None = getattr(args, "export_on_exit", None)
    if target is not None:
        try:
            files.check_writable(target)
        except snapshot.SnapshotError as exc:
            _fail(str(exc), EXIT_INVALID)
    if source is None:
        return None
    if settings.state is not None:
        _fail("--import starts from a snapshot, --state from a state file: give one",
              EXIT_USAGE)
    from mockcar.scenario.library import ScenarioLibrary

    library = ScenarioLibrary(settings.scenario, bundled_scenarios(), settings.seed,
                              speed=settings.speed)
    fingerprint = snapshot.fingerprint(settings.scenario, settings.seed)
    try:
        _, rebuilt = snapshot.server_restore(files.read_document(source), fingerprint,
                                             world, library)
    except snapshot.SnapshotError as exc:
        _fail(f"--import {source}: {exc}", EXIT_INVALID)
        raise AssertionError from exc  # unreachable; _fail exits
    return rebuilt


def _open_state(settings: Settings, world: World) -> StateKeeper | None:
    """The --state file opened and applied onto the scenario's World, before the port is
    bound: a file that cannot be used is one line and exit 1."""
    if settings.state is None:
        if settings.reset_state:
            _fail("--reset-state needs --state PATH (or MOCKCAR_STATE)", EXIT_USAGE)
        return None
    from mockcar.state.keeper import open_state
    from mockcar.state.store import StoreError

    try:
        return open_state(settings.state, settings.scenario, settings.seed, world,
                          reset_state=settings.reset_state, sync=settings.state_sync,
                          speed=settings.speed, version=_version())
    except StoreError as exc:
        _fail(str(exc), EXIT_INVALID)
        raise AssertionError from exc  # unreachable; _fail exits


def _scenarios(args: argparse.Namespace) -> int:
    """Each bundled scenario's name and the first sentence of its file's header."""
    names = bundled_names()
    width = max(map(len, names), default=0)
    for name in names:
        path = bundled_scenarios() / f"{name}.yaml"
        if not path.is_file():
            path = path.with_suffix(".yml")
        print(f"{name:<{width}}  {_purpose(path)}")
    return 0


def _purpose(path: Path) -> str:
    """The first sentence of the comment block that opens a scenario file (after an
    editor's modeline)."""
    words: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if not text.startswith("#"):
            break
        text = text.lstrip("#").strip()
        if text.startswith("yaml-language-server:"):
            continue
        if not text:
            if words:
                break
            continue
        words.extend(text.split())
        sentence = " ".join(words)
        end = sentence.find(". ")
        if end >= 0:
            return sentence[:end + 1]
    return " ".join(words)


def _health(args: argparse.Namespace) -> int:
    """The container HEALTHCHECK: exit 0 when the health endpoint answers 200."""
    import urllib.error
    import urllib.request

    if args.url is not None:
        if args.host is not None or args.port is not None:
            _fail("health: give a URL or --host/--port, not both", EXIT_USAGE)
        if not args.url.startswith(("http://", "https://")):
            _fail(f"health: not an http(s) URL: {args.url!r}", EXIT_USAGE)
        url = args.url.rstrip("/")
        if not url.endswith(HEALTH_PATH):
            url += HEALTH_PATH
    else:
        try:
            settings = Settings.from_env(host=args.host, port=args.port)
        except ValueError as exc:
            _fail(str(exc), EXIT_USAGE)
            raise AssertionError from exc  # unreachable; _fail exits
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
        if ":" in host:
            host = f"[{host}]"
        url = f"http://{host}:{settings.port}{HEALTH_PATH}"
    # A server started with a control token wants it on every /_mockcar request.
    token = os.environ.get("MOCKCAR_CONTROL_TOKEN")
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=args.timeout) as response:
            print(f"{url}: {response.status}")
            return 0
    except urllib.error.HTTPError as exc:
        _fail(f"{url} answered {exc.code}", EXIT_INVALID)
    except (OSError, ValueError) as exc:
        _fail(f"{url} is not answering: {getattr(exc, 'reason', exc)}", EXIT_INVALID)
    return EXIT_INVALID


def _validate(args: argparse.Namespace) -> int:
    from mockcar.scenario import ScenarioError, load_scenario

    failed = False
    for path in args.files:
        try:
            load_scenario(path)
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
            failed = True
        else:
            print(f"{path}: ok")
    return EXIT_INVALID if failed else 0


def _postman(args: argparse.Namespace) -> int:
    """Write the collection and environment `GET /postman/*.json` would serve."""
    import json

    from mockcar.scenario import ScenarioError, load_world
    from mockcar.web.docs.postman.collection import documents

    try:
        # Not `_settings`: these flags are a subset of serve's.
        settings = Settings.from_env(
            scenario=None if args.scenario is None else scenario_file(args.scenario),
            host=args.host, port=args.port, public_url=args.public_url, seed=args.seed)
        world = load_world(settings.scenario, seed=settings.seed)
    except ValueError as exc:
        _fail(str(exc), EXIT_USAGE)
        raise AssertionError from exc  # unreachable; _fail exits
    except ScenarioError as exc:
        _fail(str(exc), EXIT_INVALID)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        # MOCKCAR_CONTROL_TOKEN, when set, goes into the environment's controlToken.
        written = documents(world, settings.base_url, settings.control_token)
        for name, document in written.items():
            path = args.out / name
            path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                            encoding="utf-8")
            print(path)
    except OSError as exc:
        _fail(f"cannot write to {args.out}: {exc.strerror or exc}", EXIT_INVALID)
    return 0


def _schema(args: argparse.Namespace) -> int:
    """The schema bundled as scenarios/mockcar.schema.json, generated from the models."""
    from mockcar.scenario.schema.jsonschema import text

    sys.stdout.write(text())
    return 0


def _fail(message: str, code: int) -> None:
    print(f"mockcar: {message}", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    sys.exit(main())
