# The npm registry reachable here holds only the linux-x64 builds of @duckdb/node-bindings, so npm leaves
# the other platforms' optional packages out of package-lock.json, and `npm ci` then rejects the lock as
# out of sync. This adds lock entries for them (optional, with their os/cpu, never fetched on linux-x64).
# Run after regenerating the lock: python3 scripts/lock-platform-stubs.py
import json, collections
path = 'package-lock.json'
lock = json.load(open(path), object_pairs_hook=collections.OrderedDict)
pk = lock['packages']
plat = {'darwin-arm64': ('darwin', 'arm64', None), 'darwin-x64': ('darwin', 'x64', None), 'linux-arm64': ('linux', 'arm64', 'glibc'),
        'linux-arm64-musl': ('linux', 'arm64', 'musl'), 'win32-x64': ('win32', 'x64', None), 'win32-arm64': ('win32', 'arm64', None)}
for owner, entry in list(pk.items()):
    for dep, ver in (entry.get('optionalDependencies') or {}).items():
        key = 'node_modules/' + dep
        if key in pk or not dep.startswith('@duckdb/node-bindings-'):
            continue
        os_, cpu, libc = plat[dep.rsplit('node-bindings-', 1)[1]]
        stub = collections.OrderedDict([('version', ver), ('cpu', [cpu]), ('dev', True)])
        if libc: stub['libc'] = [libc]
        stub.update([('license', 'MIT'), ('optional', True), ('os', [os_])])
        pk[key] = stub
lock['packages'] = collections.OrderedDict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(path, 'w'), indent=2)
open(path, 'a').write('\n')
