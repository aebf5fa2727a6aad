import HelmTemplate

/// The images of one release: rendered as `helm template` renders it, or read from its values
/// where rendering is off (`--no-render`) or the chart needs a feature the engine lacks (then
/// `fallback` says which). A release Helm would refuse throws its `TemplateError`.
public struct ReleaseImages: Sendable {
    public var images: [FoundImage]
    public var undetermined: [String]
    public var skipped: [String]
    /// Why the values were read instead of the render, when the engine could not render it.
    public var fallback: String?

    public init(images: [FoundImage], undetermined: [String], skipped: [String], fallback: String?) {
        (self.images, self.undetermined, self.skipped, self.fallback) = (images, undetermined, skipped, fallback)
    }

    /// `release` nil reads the values without rendering.
    public init(chart: ChartFiles, releaseValues: String?, release: ChartRender.Release?) throws {
        if let release {
            do {
                let rendered = try RenderedImages(chart: chart, releaseValues: releaseValues, release: release)
                (images, undetermined, skipped, fallback) = (rendered.images, rendered.undetermined, rendered.skipped, nil)
                return
            } catch let error as TemplateError where error.kind == .unsupported {
                fallback = error.description
            }
        }
        let read = try ChartImages(chart: chart, releaseValues: releaseValues)
        (images, undetermined, skipped) = (read.images, read.undetermined, read.skipped)
    }
}
