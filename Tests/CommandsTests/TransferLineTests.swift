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

    @Test func wideTerminalsGetBarRateAndTimeLeftInBinaryUnits() {
        let mib: Int64 = 1 << 20
        let line = TransferLine.render(subject: "web: app 1.2.0", bytes: 100 * mib, total: 400 * mib, seconds: 10, width: 120)
        #expect(line == "web: app 1.2.0  [#######-----------------------]  100.0/400.0 MiB  10.0 MiB/s  ETA 0:30", "\(line)")
        let done = TransferLine.render(subject: "web: app 1.2.0", bytes: 400 * mib, total: 400 * mib, seconds: 40, width: 120)
        #expect(done.hasSuffix("400.0/400.0 MiB  10.0 MiB/s") && !done.contains("ETA"), "\(done)")
    }

    @Test func narrowTerminalsDropTheBarBeforeCuttingTheName() {
        let mib: Int64 = 1 << 20
        let subject = "web, api: registry.corp:5000/team/very-long-image-name:1.2.3"
        for width in 10...220 {
            let line = TransferLine.render(subject: subject, bytes: 100 * mib, total: 400 * mib, seconds: 10, width: width)
            if line.contains("[") { #expect(line.hasPrefix(subject + "  ["), "width \(width): the bar stayed while the name was cut: \(line)") }
            if line.contains("MiB/s") { #expect(line.hasPrefix(subject), "width \(width): the rate stayed while the name was cut: \(line)") }
        }
        let medium = TransferLine.render(subject: "web: app 1.2.0", bytes: 100 * mib, total: 400 * mib, seconds: 10, width: 50)
        #expect(!medium.contains("[") && medium.contains("MiB/s"), "\(medium)")
        let narrow = TransferLine.render(subject: "web: app 1.2.0", bytes: 100 * mib, total: 400 * mib, seconds: 10, width: 30)
        #expect(narrow.hasSuffix("100.0/400.0 MiB") && !narrow.contains("MiB/s"), "\(narrow)")
        #expect(TransferLine.clock(3725) == "1:02:05" && TransferLine.clock(59.2) == "1:00")
    }
}
