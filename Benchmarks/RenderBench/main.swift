import Foundation
import HelmTemplate
import Images

// The engine's side of scripts/bench_render: the work `bundle template CHART` does for a chart
// folder, in this process, timed once (the first render of a fresh process, as the bench
// times Helm's engine: one load and render per fresh process, its start-up left out): the
// chart read from disk, rendered, sorted into Helm's order and printed.
//   render-bench CHART_FOLDER
// Prints what `bundle template CHART --name rel --namespace ns` prints, then the seconds the
// work took on standard error as {"seconds": S}.
let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: render-bench CHART_FOLDER\n".utf8))
    exit(2)
}
let clock = ContinuousClock()
let start = clock.now
do {
    let files = try ChartFiles(folder: arguments[1]).renderFiles
    let output = try ChartRender(files: files).renderChart(values: [], release: .init(name: "rel", namespace: "ns"))
    let sorted = try ManifestSorter.sort(output.templates)
    let text = (sorted.manifests + sorted.hooks).map { "---\n# Source: \($0.path)\n\($0.content)\n" }.joined()
    FileHandle.standardOutput.write(Data(text.utf8))
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    FileHandle.standardError.write(Data("{\"seconds\": \(seconds)}\n".utf8))
} catch {
    FileHandle.standardError.write(Data("render-bench: \(error)\n".utf8))
    exit(1)
}
