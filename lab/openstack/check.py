#!/usr/bin/python3
"""An exported OpenStack script (`consolidator export --to openstack`) checked offline by real OpenStack code, as far as
it runs without a cloud (Debian 12: apt-get install --no-install-recommends python3-openstackclient python3-nova):

  /usr/bin/python3 lab/openstack/check.py SCRIPT...   (Debian's python, where the packages are)

1. bash itself reads the script's `refs=(...)` and every `step openstack ...` line (its own quoting, as APPLY=1 would
   run them), the servers' IDs standing in as made-up UUIDs (resolve_servers finds the real ones at run time);
2. python-openstackclient's own parsers take each command: the global options (its shell's option parser) and the
   command's arguments (the `server migrate` class its command manager finds, and that class's parser);
3. python-novaclient builds the request from the parsed arguments at the parsed compute microversion, as
   openstackclient's MigrateServer.take_action calls it (server.live_migrate(host=..., block_migration=...), the
   default 'auto' from 2.25); only its HTTP client is replaced, by one that keeps the request;
4. Nova's API validates that request body with its own JSON schema for the microversion (nova.api.validation's
   validator, nova.api.openstack.compute.schemas.migrate_server).

What it cannot check here: that a host is a compute service of the cloud, that the server exists, or the migration
itself (nova-api, the scheduler, conductor and nova-compute need a cloud). Exit 1 and a line per command that fails."""
import subprocess
import sys

from nova.api.openstack.compute.schemas import migrate_server
from nova.api.validation import validators
from novaclient import api_versions
from novaclient.v2 import servers
from openstackclient import shell as osc_shell

# The script's commands as bash reads them: each argv NUL-separated, \x01 after each command. The functions the
# script defines before `refs=(` (step, end_stage, wait_for_host, resolve_servers) are replaced; nothing runs.
READ = r'''
step() { printf '%s\0' "$@" >&3; printf '\1\0' >&3; }
step_bg() { step "$@"; }
end_stage() { :; }
wait_for_host() { :; }
resolve_servers() { local i; for i in "${!refs[@]}"; do ids[$i]=$(printf '00000000-0000-4000-8000-%012d' "$i"); done; }
echo() { :; }
source <(sed -n '/^refs=(/,$p' "$1")
'''


def commands(script):
    out = subprocess.run(['bash', '-c', 'exec 3>&1 1>/dev/null; ' + READ, 'read', script], check=True,
                         capture_output=True).stdout
    argv = []
    for word in out.split(b'\0')[:-1]:
        if word == b'\x01':
            yield [w.decode() for w in argv]
            argv = []
        else:
            argv.append(word)


class Recorder:
    """novaclient's HTTP client, replaced: keeps what would be posted."""
    def __init__(self):
        self.posted = []

    def post(self, url, body):
        self.posted.append((url, body))
        return type('Response', (), {'headers': {}, 'request_ids': []})(), None


def check(argv, app, parser):
    if argv[0] != 'openstack':
        return f'not an openstack command: {argv[0]!r}'
    try:
        options, rest = parser.parse_known_args(argv[1:])
        factory, name, args = app.command_manager.find_command(rest)
        command = factory(app, None)
        parsed = command.get_parser('openstack ' + name).parse_args(args)
    except (SystemExit, ValueError) as e:
        return f'openstackclient does not parse it ({e})'
    if name != 'server migrate' or not parsed.live_migration or not parsed.host:
        return f'not a live migration to a named host: {name} {vars(parsed)}'
    version = api_versions.APIVersion(options.os_compute_api_version)
    if version < api_versions.APIVersion('2.30'):
        return f'--host with --live-migration needs compute API 2.30 or later, the command asks {version}'
    api = type('Api', (), {'api_version': version, 'client': Recorder()})()
    manager = servers.ServerManager(api)
    server = servers.Server(manager, {'id': parsed.server}, loaded=True)
    # As MigrateServer.take_action (python-openstackclient 6.0) calls it for --live-migration from 2.25.
    block_migration = parsed.block_migration if parsed.block_migration is not None else 'auto'
    server.live_migrate(host=parsed.host, block_migration=block_migration)
    (url, body), = api.client.posted
    schema = {'2.30': migrate_server.migrate_live_v2_30}.get(options.os_compute_api_version)
    if schema is None:
        return f'no schema chosen for microversion {version}'
    try:
        validators._SchemaValidator(schema).validate(body)
    except Exception as e:  # nova's ValidationError: what the API answers with 400
        return f'Nova refuses the request {body} (400): {e}'
    print(f'ok: {url} {body}')
    return None


def main(scripts):
    app = osc_shell.OpenStackShell()
    app.command_manager.add_command_group('openstack.compute.v2')
    parser = app.build_option_parser('consolidator check', 'check')
    failed = 0
    for script in scripts:
        n = 0
        for argv in commands(script):
            n += 1
            problem = check(argv, app, parser)
            if problem:
                failed += 1
                print(f'{script}: {" ".join(argv)}: {problem}')
        print(f'{script}: {n} command(s), {failed} refused')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
