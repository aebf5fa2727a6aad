import Foundation
import Testing

/// Limits that stop a build before it moves bytes it should not.
@Suite(.needsTestEnvironment) struct LimitsTests {
    let builds: BuildTests
    init() throws { builds = try BuildTests() }

    /// More to download than --max-download allows: refused after resolving (manifests only),
    /// before any chart body is fetched, with no output file.
    @Test func aBuildOverItsDownloadLimitStopsBeforeFetching() throws {
        let folder = try builds.workspace(builds.config())
        let run = try builds.build(folder, ["--max-download", "1K"])
        #expect(run.status == 1 && run.errorCode == "downloadTooLarge", "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("more than --max-download 1.0 KiB") || run.stderr.contains("more than --max-download"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.tar.gz"))
        // The chart's manifest and config may be in the cache (resolving reads them); its body is not.
        let chart = try #require(builds.env.file.app["1.2.5"]?.chart)
        #expect(!FileManager.default.fileExists(atPath: folder + "/cache/blobs/sha256/" + chart.replacingOccurrences(of: "sha256:", with: "")),
                "the chart body was fetched")
        let bad = try builds.build(folder, ["--max-download", "lots"])
        #expect(bad.status == 64 && bad.stderr.contains("--max-download lots is not a size"), "\(bad.stderr)")
    }
}
