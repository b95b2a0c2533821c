import Foundation
import PipelineCore

/// One line on a terminal's stderr, redrawn twice a second while a run reads its sources:
/// `jobs: acme 12,288 (4,096/s) · partner 800 (310/s)`. Never shown without a terminal.
enum ProgressDisplay {
    static func show(_ counter: ProgressCounter, pipeline: String) async {
        var previous: [String: Int] = [:]
        var last = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            let now = ContinuousClock.now
            let elapsed = max(0.001, Double((now - last).components.attoseconds) / 1e18 + Double((now - last).components.seconds))
            last = now
            let parts = counter.snapshot().map { source, count -> String in
                let rate = Double(count - (previous[source] ?? 0)) / elapsed
                previous[source] = count
                return "\(source) \(count.formatted()) (\(Int(rate).formatted())/s)"
            }
            guard !parts.isEmpty, !Task.isCancelled else { continue }
            FileHandle.standardError.write(Data("\r\u{1B}[K\(pipeline): \(parts.joined(separator: " · "))".utf8))
        }
    }

    /// Erases the line.
    static func clear() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
