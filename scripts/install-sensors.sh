#!/bin/sh
# Run by `npm start` (prestart): what the embedded default needs on this machine, installed from Debian's
# archive when missing and we are root: auditd (the kernel audit log the Linux verdicts read) and openssl
# (the Linux behaviour). Never fails the start: without them the run still finishes, with NO_TELEMETRY
# naming what is missing and the fix. ATH_NO_INSTALL=1 turns the install off.
missing=
for pair in auditd:auditd auditctl:auditd openssl:openssl; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ] && [ ! -x "/sbin/$cmd" ]; then
    case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
  fi
done
[ -z "$missing" ] && exit 0
missing=${missing# }
if [ "${ATH_NO_INSTALL:-}" = 1 ]; then
  echo "harness: not installing $missing (ATH_NO_INSTALL=1); fix: apt-get install $missing" >&2
elif [ "$(id -u)" != 0 ]; then
  echo "harness: $missing not installed and not root, so not installing; fix: sudo apt-get install $missing" >&2
elif ! command -v apt-get >/dev/null 2>&1; then
  echo "harness: $missing not installed and no apt-get here; fix: install them with this system's package manager" >&2
else
  echo "harness: installing $missing (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1
  # shellcheck disable=SC2086
  if ! apt-get install -y -qq $missing >/dev/null 2>&1; then
    echo "harness: apt-get install $missing failed; fix: run it by hand to see why" >&2
  fi
fi
exit 0
