import BundleFormat
import Foundation

/// Whether a bundle may replace the installed one: the same bundle with a higher sequence;
/// an older (or the same) sequence with different content only with `--allow-downgrade`, so a
/// signed old bundle cannot roll a node back silently; another bundle only with
/// `--replace-bundle`, its sequence saying nothing about this one's.
struct SequenceCheck {
    let target: InstallTarget
    let log: (String) -> Void

    /// `newFiles`: the node paths this install will hold, to name what replacing another
    /// bundle removes.
    func check(_ manifest: BundleManifest, digest: String, previous: InstalledRecord?, newFiles: () -> [String]) throws(BundleError) {
        guard let previous, previous.manifestDigest != digest else { return }
        let options = target.options
        if previous.name != manifest.name {
            let removes = Set(previous.files).subtracting(newFiles()).sorted()
            let what = "replaces bundle \"\(previous.name)\" (sequence \(previous.sequence)) with bundle \"\(manifest.name)\" (sequence \(manifest.sequence))"
            guard options.replaceBundle else {
                throw BundleError(.otherBundleInstalled, options.bundle,
                                  reason: "\(what)\(removes.isEmpty ? "" : ", which removes \(removes.map { target.rooted($0) }.joined(separator: ", "))")",
                                  hint: "Pass --replace-bundle if the node should now hold \"\(manifest.name)\" instead; nothing was written")
            }
            log("this install \(what)\(removes.isEmpty ? "" : "; it removes \(removes.count) file\(removes.count == 1 ? "" : "s") of \"\(previous.name)\"")")
            return
        }
        guard !options.allowDowngrade else { return }
        if manifest.sequence < previous.sequence {
            throw BundleError(.downgrade, options.bundle, reason: "has sequence \(manifest.sequence), older than the installed bundle \"\(previous.name)\" (sequence \(previous.sequence))",
                              hint: "A signed old bundle must not roll a node back silently; pass --allow-downgrade if that is what you want.")
        }
        if manifest.sequence == previous.sequence {
            throw BundleError(.downgrade, options.bundle, reason: "has the same sequence (\(manifest.sequence)) as the installed bundle \"\(previous.name)\" but different content",
                              hint: "Build with a higher --sequence (or SOURCE_DATE_EPOCH), or pass --allow-downgrade to replace it anyway.")
        }
    }
}
