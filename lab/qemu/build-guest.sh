#!/usr/bin/env bash
# Builds the guest of the QEMU migration lab: the Debian kernel and a busybox initramfs whose init runs
# the dirtier (guest/dirtier.c, built static) with the rate and working set given on the kernel command
# line. Installs what it needs from Debian (qemu-system-x86, linux-image-amd64, busybox-static, gcc, cpio)
# when missing, waiting for the apt lock if another job holds it.
#
#   lab/qemu/build-guest.sh [OUT_DIR]      (default: out/lab/qemu)
#
# Prints the folder holding vmlinuz, initramfs.gz and versions.txt (QEMU and kernel versions).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-out/lab/qemu}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

need=()
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
compgen -G "/boot/vmlinuz-*" >/dev/null || need+=(linux-image-amd64)
[ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && file_static=$(ldd /bin/busybox 2>&1 || true) && [[ "$file_static" == *"not a dynamic"* ]] || need+=(busybox-static)
command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ "${#need[@]}" -gt 0 ]; then
  echo "installing: ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Another job may hold the apt lock: wait for it (up to 10 minutes) rather than fail.
  for attempt in $(seq 1 60); do
    if apt-get -o DPkg::Lock::Timeout=10 update -qq >&2 && \
       apt-get -o DPkg::Lock::Timeout=10 install -y -qq --no-install-recommends "${need[@]}" >&2; then
      break
    fi
    [ "$attempt" -eq 60 ] && { echo "could not install ${need[*]}" >&2; exit 1; }
    sleep 10
  done
fi

kernel="$(ls /boot/vmlinuz-* | sort -V | tail -n 1)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys}
cp /bin/busybox "$root/bin/busybox"
for tool in sh mount cat echo sleep; do ln -s busybox "$root/bin/$tool"; done
gcc -O2 -static -Wall -Werror -o "$root/bin/dirtier" "$here/guest/dirtier.c"
install -m 0755 "$here/guest/init" "$root/init"
mknod -m 600 "$root/dev/console" c 5 1
mknod -m 666 "$root/dev/null" c 1 3
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -9) > "$out/initramfs.gz.tmp"
mv "$out/initramfs.gz.tmp" "$out/initramfs.gz"
cp "$kernel" "$out/vmlinuz"
{
  echo "qemu=$(qemu-system-x86_64 --version | head -n 1)"
  echo "kernel=$(basename "$kernel")"
} > "$out/versions.txt"
echo "$out"
