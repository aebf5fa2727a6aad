import Foundation
import FuzzDriver
import K0sConfig

/// A k0s config as `plan` and `build` read it (bytes from a file: size limit, BOM, UTF-8, YAML
/// limits, k0s's rules), then rewritten for offline use with every chart placed: any bytes
/// must give a config or a ConfigError, never a trap; the rewrite of a config it accepts must
/// give a config or a ConfigError too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = ConfigFile.path
    guard FileManager.default.createFile(atPath: path, contents: Data(UnsafeBufferPointer(start: data, count: size))) else { abort() }
    guard let config = try? K0sConfig.load(path: path) else { return 0 }
    var placement = OfflinePlacement()
    for chart in config.charts {
        placement.chartPaths[chart.name] = "/var/lib/k0s/charts/\(chart.name).tgz"
        placement.versions[chart.name] = "1.0.0"
    }
    _ = try? config.offlineConfig(placement)
    return 0
}

/// One scratch file for the whole campaign, in this process's own folder.
enum ConfigFile {
    static let path: String = {
        let folder = NSTemporaryDirectory() + "/fuzz-config-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/k0s.yaml"
    }()
}

@_cdecl("FuzzConfig_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzzConfig(data, size) }
}
