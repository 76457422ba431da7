"""Script text for a fresh interpreter that runs `mockcar serve` up to the point it would
serve: the `mockcar.server` module the command imports gets its `serve` replaced by the
script's own `serve(settings, world, sock=None, **kwargs)`, which looks at what the start
did and closes the socket. Put it after the script's `serve` and before its `cli.main`."""

REPLACE_SERVE = """
import importlib.machinery
class StubServe:
    def find_spec(self, name, path=None, target=None):
        if name != "mockcar.server":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            module.serve = serve
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, StubServe())
"""
