import Foundation
import Testing

/// Help and usage say what each command does and takes: one spelling of "error:", required
/// flags shown as required, a "did you mean" for a mistyped command, negative numbers read
/// as values, and no flag offered where it makes no sense.
@Suite(.needsTestEnvironment) struct HelpAndUsageTests {
    let env: TestEnvironment
    init() throws { env = try TestEnvironment.require() }

    @Test func usageErrorsAndRuntimeErrorsSayErrorOneWay() throws {
        let usage = try env.bundle(["build"])
        #expect(usage.status == 64 && usage.stderr.hasPrefix("error: ") && !usage.stderr.contains("Error:"), "\(usage.stderr)")
        let runtime = try env.bundle(["verify", "/nonexistent.tar.gz", "--trust", "/nonexistent.pub"])
        #expect(runtime.status == 1 && runtime.stderr.hasPrefix("error: "), "\(runtime.stderr)")
    }

    @Test func aMistypedCommandGetsADidYouMean() throws {
        let run = try env.bundle(["biuld", "k0s.yaml"])
        #expect(run.status == 64 && run.stderr.contains("unknown command 'biuld'; did you mean 'build'?"), "\(run.stderr)")
        let far = try env.bundle(["frobnicate"])
        #expect(far.status == 64 && !far.stderr.contains("did you mean") && far.stderr.contains("The commands: build"), "\(far.stderr)")
        #expect(try env.bundle(["help", "build"]).status == 0)
    }

    @Test func aNegativeSequenceIsReadAsAValue() throws {
        let run = try env.bundle(["build", "k0s.yaml", "--unsigned", "--sequence", "-5"])
        #expect(run.status == 64 && run.stderr.contains("--sequence must be 0 or more") && !run.stderr.contains("Missing value"), "\(run.stderr)")
    }

    @Test func helpSaysWhatEachCommandTakes() throws {
        let verify = try env.bundle(["verify", "--help"])
        #expect(verify.stdout.contains("USAGE: bundle verify <bundle> --trust <key.pub> ...") && !verify.stdout.contains("[--trust"), "\(verify.stdout)")
        let images = try env.bundle(["images", "--help"])
        #expect(!images.stdout.contains("--no-images") && !images.stdout.contains("Also bundle") && images.stdout.contains("--cache-dir"), "\(images.stdout)")
        let plan = try env.bundle(["plan", "--help"])
        #expect(!plan.stdout.contains("no chart") && plan.stdout.contains("Image blobs are never downloaded") && plan.stdout.contains("--cache-dir"), "\(plan.stdout)")
        let keygen = try env.bundle(["keygen", "--help"])
        #expect(!keygen.stdout.contains("what is fetched"), "\(keygen.stdout)")
    }
}
