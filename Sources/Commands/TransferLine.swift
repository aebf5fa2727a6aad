import Foundation

/// The line a large transfer shows on a terminal, fitted to its width: what, a bar, bytes,
/// rate and time left. Parts go as the terminal narrows (first the bar, then the rate and the
/// time left, then the subject is shortened), so the line never wraps into a second one.
/// Sizes are in binary units (MiB), as everywhere else.
enum TransferLine {
    static func render(subject: String, bytes: Int64, total: Int64, seconds: Double, width: Int) -> String {
        let room = max(width, 10) - 1
        // Binary units, as every other size the tool prints (FreeSpace.describe).
        let amount = "\(mebibytes(bytes))/\(mebibytes(total)) MiB"
        let rate = seconds > 0.2 ? Double(bytes) / seconds : 0
        let speed = rate > 0 ? "  \(mebibytes(Int64(rate))) MiB/s" : ""
        let timing = speed + (rate > 0 && total > bytes ? "  ETA \(clock(Double(total - bytes) / rate))" : "")
        // "subject  [####------]  amount  rate  ETA". The bar (10 to 30 columns) only where the
        // whole subject fits beside it; then the time left goes, then the rate; the subject is
        // cut last.
        let line = subject + "  " + amount + timing
        let barWidth = min(30, room - line.count - 4)
        if barWidth >= 10 {
            return subject + "  [\(filled(bytes, total, barWidth))]  " + amount + timing
        }
        if line.count <= room { return line }
        if (subject + "  " + amount + speed).count <= room { return subject + "  " + amount + speed }
        let tail = "  " + amount
        // On a very narrow terminal even the amount is cut, rather than wrap.
        return fit(fit(subject, room - tail.count) + tail, room)
    }

    /// `text` in at most `room` columns, cut with an ellipsis (nothing when there is no room).
    static func fit(_ text: String, _ room: Int) -> String {
        guard room > 0 else { return "" }
        guard text.count > room else { return text }
        return room == 1 ? "…" : String(text.prefix(room - 1)) + "…"
    }

    static func filled(_ bytes: Int64, _ total: Int64, _ width: Int) -> String {
        let done = total > 0 ? Int(Double(width) * min(1, Double(bytes) / Double(total))) : 0
        return String(repeating: "#", count: done) + String(repeating: "-", count: width - done)
    }

    static func mebibytes(_ bytes: Int64) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// The terminal's width in columns: the window size of stderr, else $COLUMNS, else 80.
enum TerminalWidth {
    static func current() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 { return columns }
        return 80
    }
}
