import Foundation
import Testing

/// The node binary (scripts/release, which scripts/test runs into BUNDLE_RELEASE_BINARY) runs
/// on a machine without the Swift toolchain: a copy of it builds, verifies and installs a
/// bundle in a mount namespace where the toolchain's library folder is an empty tmpfs, with
/// a clean environment (no LD_LIBRARY_PATH).
@Suite(.needsTestEnvironment) struct ReleaseBinaryTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    /// The release binary, or a failure saying how to make one.
    func releaseBinary() throws -> String {
        guard let path = ProcessInfo.processInfo.environment["BUNDLE_RELEASE_BINARY"], FileManager.default.isExecutableFile(atPath: path) else {
            throw TestEnvironment.SetupError(description: "BUNDLE_RELEASE_BINARY names no executable; run scripts/test (which runs scripts/release), or scripts/release DIR and export BUNDLE_RELEASE_BINARY=DIR/bundle-<version>-linux-<arch>.")
        }
        return path
    }

    /// The folder the Swift runtime libraries come from: `<toolchain>/usr/lib/swift`, found
    /// from the `swift` on PATH.
    func toolchainLibraries() throws -> String {
        let which = try env.tool(["sh", "-c", "readlink -f \"$(command -v swift)\""])
        // `swift` may be a link to swift-driver: the folder it is in is the toolchain's bin.
        let bin = (which.output.trimmingCharacters(in: .whitespacesAndNewlines) as NSString).deletingLastPathComponent
        guard which.status == 0, bin.hasSuffix("/bin") else {
            throw TestEnvironment.SetupError(description: "no swift on PATH to locate the toolchain's libraries (\(which.output)); install the Swift toolchain.")
        }
        let folder = String(bin.dropLast("/bin".count)) + "/lib/swift"
        guard FileManager.default.fileExists(atPath: folder + "/linux/libswiftCore.so") else {
            throw TestEnvironment.SetupError(description: "\(folder)/linux/libswiftCore.so is missing; cannot tell where the toolchain's libraries are.")
        }
        return folder
    }

    /// Runs the copied binary with the toolchain's libraries hidden and nothing inherited from
    /// the environment but what is given.
    func hidden(_ binary: String, _ arguments: [String], libraries: String, environment: [String] = []) throws -> (status: Int32, output: String) {
        let script = "mount -t tmpfs none \"$1\" && shift && exec \"$@\""
        return try env.tool(["unshare", "--mount", "sh", "-c", script, "sh", libraries, "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=/nonexistent"]
                                + environment + [binary] + arguments)
    }

    /// Beside the binary: its compressed form, completions, the man page, and checksums that hold.
    @Test func theReleaseFolderIsComplete() throws {
        let release = try releaseBinary()
        let folder = (release as NSString).deletingLastPathComponent
        let name = (release as NSString).lastPathComponent
        for file in ["SHA256SUMS", "LIBRARIES.txt", name + ".xz", "completions/bundle.bash", "completions/_bundle", "completions/bundle.fish", "man/bundle.1"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: folder + "/" + file)[.size] as? Int) ?? 0
            #expect(size > 0, "\(file) is missing or empty in \(folder)")
        }
        let sums = try env.tool(["sh", "-c", "cd \"$1\" && sha256sum -c SHA256SUMS", "sh", folder])
        #expect(sums.status == 0 && sums.output.contains("\(name).xz: OK"), "\(sums.output)")
        let same = try env.tool(["sh", "-c", "xz -dc \"$1.xz\" | cmp - \"$1\"", "sh", release])
        #expect(same.status == 0, "the .xz is not the binary: \(same.output)")
        let man = try String(contentsOfFile: folder + "/man/bundle.1", encoding: .utf8)
        #expect(man.contains("push") && man.contains("install"), "the man page lacks the subcommands")
        let completion = try String(contentsOfFile: folder + "/completions/bundle.bash", encoding: .utf8)
        #expect(completion.contains("--trust") && completion.contains("--verbose"))
    }

    @Test func runsWithoutTheToolchain() throws {
        let release = try releaseBinary()
        let libraries = try toolchainLibraries()
        let folder = env.scratch()
        let binary = folder + "/bundle"
        try FileManager.default.copyItem(atPath: release, toPath: binary)

        // Nothing it loads comes from the toolchain, and no run path points into it.
        let ldd = try env.tool(["ldd", binary])
        #expect(ldd.output.contains("not a dynamic executable") || ldd.output.contains("statically linked"), "\(ldd.output)")
        let dynamic = try env.tool(["readelf", "-d", binary])
        #expect(dynamic.status == 0 && !dynamic.output.contains("RPATH") && !dynamic.output.contains("RUNPATH"), "\(dynamic.output)")
        let hiddenCheck = try env.tool(["unshare", "--mount", "sh", "-c", "mount -t tmpfs none \"$1\" && ls \"$1\" | wc -l", "sh", libraries])
        #expect(hiddenCheck.status == 0 && hiddenCheck.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0",
                "the toolchain's libraries must be hidden (unshare --mount needs root): \(hiddenCheck.output)")

        let version = try hidden(binary, ["--version"], libraries: libraries)
        #expect(version.status == 0 && version.output.hasPrefix("bundle "), "\(version.output)")
        // The commit it was built from: 12 hex digits, "-dirty" when the tree had changes.
        let commit = version.output.split(separator: "(commit ").last.map { String($0.prefix { $0 != ")" && $0 != "-" }) } ?? ""
        #expect(commit.count == 12 && commit.allSatisfy(\.isHexDigit), "\(version.output)")

        // The main job, end to end: a key, a build from the private-CA registry, verify, install.
        #expect(try hidden(binary, ["keygen", "--out", folder + "/signing"], libraries: libraries).status == 0)
        try FileManager.default.copyItem(atPath: env.file.caFile, toPath: folder + "/ca.crt")
        let config = """
            apiVersion: k0s.k0sproject.io/v1beta1
            kind: ClusterConfig
            spec:
              extensions:
                helm:
                  repositories:
                    - name: anonymous
                      url: oci://\(env.registry("anonymous"))
                      caFile: ca.crt
                  charts:
                    - name: app
                      chartname: oci://\(env.registry("anonymous"))/charts/app
                      version: "1.2.5"
                      namespace: apps

            """
        try config.write(toFile: folder + "/k0s.yaml", atomically: true, encoding: .utf8)
        let build = try hidden(binary, ["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/b.tar.gz",
                                        "--cache-dir", folder + "/cache", "--no-images"], libraries: libraries, environment: ["SOURCE_DATE_EPOCH=1700000000"])
        #expect(build.status == 0, "\(build.output)")
        let verify = try hidden(binary, ["verify", folder + "/b.tar.gz", "--trust", folder + "/signing.pub"], libraries: libraries)
        #expect(verify.status == 0, "\(verify.output)")
        let install = try hidden(binary, ["install", folder + "/b.tar.gz", "--trust", folder + "/signing.pub", "--root", folder + "/node"], libraries: libraries)
        #expect(install.status == 0, "\(install.output)")
        #expect(FileManager.default.fileExists(atPath: folder + "/node/var/lib/k0s/charts/app-1.2.5.tgz"))

        // The same binary, with the toolchain visible, builds the same bytes as the debug build.
        let debug = try env.bundle(["build", folder + "/k0s.yaml", "--sign-key", folder + "/signing.key", "-o", folder + "/d.tar.gz",
                                    "--cache-dir", folder + "/cache2", "--no-images"], environment: ["SOURCE_DATE_EPOCH": "1700000000"])
        #expect(debug.status == 0, "\(debug.stderr)")
        #expect(FileManager.default.contents(atPath: folder + "/d.tar.gz") == FileManager.default.contents(atPath: folder + "/b.tar.gz"),
                "the release and debug builds write the same bundle")
    }
}
