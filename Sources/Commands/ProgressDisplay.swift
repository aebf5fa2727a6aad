import Diagnostics
import Foundation
import Synchronization

/// Progress on stderr: on a terminal, one status line rewritten in place ("[3/41] …");
/// otherwise (logs, CI) plain lines. Lines that are not progress are always kept.
final class ProgressDisplay: Sendable {
    private let live: Bool
    private let quiet: Bool
    private let showing = Mutex(false)

    init(quiet: Bool) {
        self.quiet = quiet
        self.live = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    func report(_ raw: String) {
        guard !quiet else { return }
        // Progress names charts, images and hosts from configs and registries: shown escaped.
        let line = Escaped(raw, keepingLineBreaks: true).description
        let isProgress = line.hasPrefix("[")
        showing.withLock { showing in
            if live && isProgress {
                let width = 120
                let text = line.count > width ? String(line.prefix(width - 1)) + "…" : line
                FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
                showing = true
            } else {
                FileHandle.standardError.write(Data(((showing ? "\r\u{1B}[K" : "") + line + "\n").utf8))
                showing = false
            }
        }
    }

    /// Ends the status line so that what follows starts on a fresh line.
    func finish() {
        showing.withLock { showing in
            if showing { FileHandle.standardError.write(Data("\n".utf8)) }
            showing = false
        }
    }
}
