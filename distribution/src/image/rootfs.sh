#!/usr/bin/env bash
# Builds the root file system of the relayer image's runtime layer, from this machine alone (no registry is reachable
# from the build machines, so no base image can be pulled; the image's base is `scratch`):
#   /opt/java                 a jlink runtime made from the JDK running the build, with the modules given
#   /lib64, /lib/<multiarch>  the shared libraries that runtime links against (glibc, libz, libstdc++, libgcc_s),
#                             copied from this machine as `ldd` finds them
#   /etc/passwd, /etc/group   the unprivileged user the image runs as (smainer, 65532)
#   /tmp, /data               the JVM's temporary directory and the working directory (state, a mounted volume)
#   /proc                     where the container runtime mounts proc (the runtime finds its libraries through it)
# Usage: rootfs.sh JAVA_HOME MODULES OUT [CLASSES]   (MODULES comma-separated; OUT is emptied first; CLASSES, the
# module's class output, is created if missing: the distribution modules have no classes, and Jib needs the directory)
set -euo pipefail
java_home=$1 modules=$2 out=$3
[ -z "${4:-}" ] || mkdir -p "$4"

rm -rf "$out"
mkdir -p "$out/opt" "$out/etc" "$out/tmp" "$out/data" "$out/proc"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$out/opt/java"

# The runtime's native dependencies. The desktop libraries (AWT, fonts, sound, images) are left out: java.desktop is
# in the runtime for java.beans, and those libraries are loaded only for graphics, which the relayer never draws.
libs=$(find "$out/opt/java/bin/java" "$out/opt/java/lib" -type f \( -name java -o -name '*.so' \) \
  | grep -Ev '/lib(awt|awt_headless|awt_xawt|jawt|fontmanager|splashscreen|jsound|lcms|javajpeg|mlib_image)\.so$' \
  | xargs ldd 2>/dev/null | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' | sort -u)
for lib in $libs; do
  case "$lib" in "$out"/*) continue ;; esac   # the runtime's own libraries are already there
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done

printf 'root:x:0:0:root:/root:/sbin/nologin\nsmainer:x:65532:65532:smainer:/data:/sbin/nologin\n' > "$out/etc/passwd"
printf 'root:x:0:\nsmainer:x:65532:\n' > "$out/etc/group"
