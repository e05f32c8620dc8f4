import Foundation
import TestSupport

/// A tiny image built on the spot from the host's static busybox (no registry needed): its
/// entrypoint runs the shell command in the container's `BAP_TEST_CMD` variable, so a test
/// can make an "engine" that listens, probes or forks, through the ordinary driver path.
enum BusyboxImage {
    static let name = "bap-test-busybox:isolation"

    /// Builds the image once per daemon (later calls find it and return at once).
    static func ensure() throws -> String {
        let socket = try TestEnvironment.dockerSocket()
        let script = """
        set -eu
        export DOCKER_HOST=unix://\(socket)
        docker image inspect \(name) >/dev/null 2>&1 && exit 0
        bb=$(command -v busybox)
        d=$(mktemp -d)
        trap 'rm -rf "$d"' EXIT
        mkdir -p "$d/bin" "$d/tmp" "$d/etc"
        chmod 0755 "$d"; chmod 1777 "$d/tmp"
        cp -L "$bb" "$d/bin/busybox"
        for applet in $("$d/bin/busybox" --list); do [ "$applet" = busybox ] || ln -s busybox "$d/bin/$applet"; done
        echo 'root:x:0:0:root:/:/bin/sh' > "$d/etc/passwd"
        tar -C "$d" --numeric-owner --owner=0 --group=0 -cf - . |
          docker import --change 'ENTRYPOINT ["/bin/sh", "-c", "eval \\"$BAP_TEST_CMD\\""]' - \(name) >/dev/null
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BusyboxImageError(status: p.terminationStatus) }
        return name
    }
}

struct BusyboxImageError: Error, CustomStringConvertible {
    let status: Int32
    var description: String { "building \(BusyboxImage.name) failed with status \(status)" }
}
