/// What a build tells while it runs, typed, so that the display and `--json` read the same
/// stream: a step (a chart written into the bundle), a note (what it is doing), a warning
/// (printed as one and kept in `warnings[]`).
public enum BuildEvent: Sendable, Equatable {
    /// `[2/5] web: oci://… 1.2.5 (318 B, downloaded)`: a progress line.
    case step(String)
    /// A plain line about what the build does ("resolving 8 image(s) for linux/amd64").
    case note(String)
    /// Something the user should act on; the build goes on.
    case warning(String)
}
