import Builder
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
        self.quiet = quiet || !Log.shows(.normal)
        // --verbose and --debug write lines of their own: no status line rewritten in place among them.
        self.live = isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb" && !Log.shows(.verbose)
    }

    /// A build's event: a step on the status line (a terminal) or a line of its own; a note on
    /// a line of its own; a warning as every warning goes (`Log.warning`, kept for `--json`).
    func show(_ event: BuildEvent) {
        switch event {
        case .step(let line): report(line, isProgress: true)
        case .note(let line): report(line, isProgress: false)
        case .warning(let text):
            finish()
            Log.warning(text)
        }
    }

    /// A line; a progress line (`isProgress`, else one that starts with `[`) takes the status
    /// line on a terminal.
    func report(_ raw: String, isProgress: Bool? = nil) {
        guard !quiet else { return }
        // Progress names charts, images and hosts from configs and registries: shown escaped.
        let line = Escaped(raw, keepingLineBreaks: true).description
        let isProgress = isProgress ?? line.hasPrefix("[")
        showing.withLock { showing in
            if live && isProgress {
                let text = TransferLine.fit(line, TerminalWidth.current() - 1)
                Log.toStandardError("\r\u{1B}[K\(text)")
                showing = true
            } else {
                Log.toStandardError(((showing ? "\r\u{1B}[K" : "") + line + "\n"))
                showing = false
            }
        }
    }

    /// Whether `transfer` shows anything: a terminal, and neither --json, --quiet nor --verbose.
    /// Callers leave their byte counting off otherwise.
    var showsTransfers: Bool { live && !quiet }

    /// A large transfer's bytes: a bar with rate and time left, on a terminal only (a log gets
    /// the line saying the chart or image is in), at most ten times a second.
    func transfer(_ progress: TransferProgress) {
        guard showsTransfers else { return }
        let now = Date()
        let line: String? = transfers.withLock { state in
            if state.subject != progress.subject || progress.bytes < state.bytes {
                state = TransferState(subject: progress.subject, started: now, shown: .distantPast, bytes: 0)
            }
            state.bytes = progress.bytes
            guard now.timeIntervalSince(state.shown) >= 0.1 || progress.bytes == progress.total else { return nil }
            state.shown = now
            return TransferLine.render(subject: Escaped(progress.subject).description, bytes: progress.bytes, total: progress.total,
                                       seconds: now.timeIntervalSince(state.started), width: TerminalWidth.current())
        }
        guard let line else { return }
        showing.withLock { showing in
            Log.toStandardError("\r\u{1B}[K\(line)")
            showing = true
        }
    }

    private struct TransferState {
        var subject: String
        var started: Date
        var shown: Date
        var bytes: Int64
    }
    private let transfers = Mutex(TransferState(subject: "", started: .distantPast, shown: .distantPast, bytes: 0))

    /// Ends the status line so that what follows starts on a fresh line.
    func finish() {
        showing.withLock { showing in
            if showing { Log.toStandardError("\n") }
            showing = false
        }
    }
}
