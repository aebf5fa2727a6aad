/// How each comparator decides, rule for rule as Masterminds semver v3 does (see
/// `VersionConstraint`); whether pre-releases may match is decided per alternative before.
extension VersionConstraint.Comparator {
    func isSatisfied(by v: SemanticVersion) -> Bool {
        switch op {
        case .equal: return dirty ? tilde(v) : v == version
        case .notEqual: return notEqual(v)
        case .greater: return greater(v)
        case .less: return v < version
        case .greaterOrEqual: return v >= version
        case .lessOrEqual: return lessOrEqual(v)
        case .tilde: return tilde(v)
        case .caret: return caret(v)
        }
    }

    private var isZero: Bool { version.major == 0 && version.minor == 0 && version.patch == 0 }

    private func notEqual(_ v: SemanticVersion) -> Bool {
        guard dirty else { return v != version }
        if v.major != version.major { return true }
        if v.minor != version.minor, !minorDirty { return true }
        if minorDirty { return false }
        if v.patch != version.patch, !patchDirty { return true }
        // Only the patch is free: 1.2.x differs only by a different pre-release.
        if patchDirty { return (v.isPrerelease || version.isPrerelease) && v.prerelease != version.prerelease }
        return v != version
    }

    private func greater(_ v: SemanticVersion) -> Bool {
        guard dirty else { return v > version }
        if v.major != version.major { return v.major > version.major }
        if minorDirty { return false }
        if patchDirty { return v.minor > version.minor }
        return v > version
    }

    private func lessOrEqual(_ v: SemanticVersion) -> Bool {
        guard dirty else { return v <= version }
        if v.major > version.major { return false }
        if v.major == version.major, v.minor > version.minor, !minorDirty { return false }
        return true
    }

    private func tilde(_ v: SemanticVersion) -> Bool {
        if v < version { return false }
        if isZero, !minorDirty, !patchDirty { return true }
        if v.major != version.major { return false }
        return minorDirty || v.minor == version.minor
    }

    private func caret(_ v: SemanticVersion) -> Bool {
        if v < version { return false }
        if version.major > 0 || minorDirty { return v.major == version.major }
        if v.major > 0 { return false }
        if version.minor > 0 || patchDirty { return v.minor == version.minor }
        if v.minor > 0 { return false }
        return v.patch == version.patch
    }
}
