@testable import Commands
import Testing

/// The progress line of a large transfer fits the terminal at every width: never wrapped into
/// stacked lines, the bar going first as it narrows, then rate and time left.
struct TransferLineTests {
    @Test func fitsEveryWidth() {
        let subject = "web, api: registry.corp:5000/team/very-long-image-name-for-a-web-frontend:1.2.3"
        for width in 10...220 {
            for bytes: Int64 in [0, 1, 123_456_789, 500_000_000] {
                let line = TransferLine.render(subject: subject, bytes: bytes, total: 500_000_000, seconds: 7.5, width: width)
                #expect(line.count <= width - 1, "width \(width): \(line.count) columns: \(line)")
                #expect(!line.contains("\n"))
            }
        }
    }

    @Test func wideTerminalsGetBarRateAndTimeLeft() {
        let line = TransferLine.render(subject: "web: app 1.2.0", bytes: 100_000_000, total: 400_000_000, seconds: 10, width: 120)
        #expect(line == "web: app 1.2.0  [#######-----------------------]  100.0/400.0 MB  10.0 MB/s  ETA 0:30", "\(line)")
        let done = TransferLine.render(subject: "web: app 1.2.0", bytes: 400_000_000, total: 400_000_000, seconds: 40, width: 120)
        #expect(done.hasSuffix("400.0/400.0 MB  10.0 MB/s") && !done.contains("ETA"), "\(done)")
    }

    @Test func narrowTerminalsDropTheBarThenTheRate() {
        let medium = TransferLine.render(subject: "web: app 1.2.0", bytes: 100_000_000, total: 400_000_000, seconds: 10, width: 50)
        #expect(!medium.contains("[") && medium.contains("MB/s"), "\(medium)")
        let narrow = TransferLine.render(subject: "web: app 1.2.0", bytes: 100_000_000, total: 400_000_000, seconds: 10, width: 30)
        #expect(narrow.hasSuffix("100.0/400.0 MB") && !narrow.contains("MB/s"), "\(narrow)")
        #expect(TransferLine.clock(3725) == "1:02:05" && TransferLine.clock(59.2) == "1:00")
    }
}
