import ArgumentParser
import Foundation
import Logging
import PipelineCore
import Plugins

/// `syndicate normalize-title TITLE...`: what the normalize and enrich stages (with their
/// shipped tables) make of titles, one JSON line each in the record's own field names, for
/// operators checking a feed's titles.
struct NormalizeTitleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize-title",
        abstract: "Print, one JSON line per title, what the normalize and enrich stages make of it."
    )

    @Argument(help: "Titles as a feed writes them (quote each).")
    var titles: [String] = []

    @Option(help: "Read titles from this file, one per line ('-' for standard input).")
    var file: String?

    @Flag(help: "Print only the number of titles and how long they took (for measuring).")
    var count = false

    func validate() throws {
        if titles.isEmpty && file == nil { throw ValidationError("give titles, or --file with one title per line") }
    }

    func run() async throws {
        var all = titles
        if let file {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let read = FileManager.default.contents(atPath: file) else {
                    throw ValidationError("cannot read \(file)")
                }
                data = read
            }
            all += String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        if count {
            let clock = ContinuousClock.now
            var canonical = 0
            for raw in all where TitleNormalizer.shared.normalize(raw).canonical != nil { canonical += 1 }
            let d = ContinuousClock.now - clock
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            print("\(all.count) titles in \(String(format: "%.3f", seconds)) s: \(Int(Double(all.count) / max(seconds, 1e-9))) titles/s on one core; \(canonical) matched the taxonomy")
            return
        }
        // The stages themselves, so that what is printed is what a run would make of the title.
        let context = StageContext(label: "normalize-title", baseDirectory: URL(fileURLWithPath: "."), logger: Logger(label: "syndicate"))
        let normalize = try NormalizeStage(options: NormalizeStage.Options(), context: context)
        let enrich = try EnrichStage(options: EnrichStage.Options(), context: context)
        let run = RunContext(logger: Logger(label: "syndicate"), rejectsFile: nil)
        for (index, raw) in all.enumerated() {
            let posting = JobPosting(id: "\(index)", source: "cli", sourceID: "\(index)", title: raw)
            let normalized = try await normalize.process([posting], run: run)
            guard var result = try await enrich.process(normalized, run: run).first else { continue }
            // The id and source are this command's, not the title's.
            result.id = nil
            result.source = nil
            result.sourceID = nil
            var writer = JSONWriter()
            result.writeJSON(to: &writer)
            print(writer.string)
        }
    }
}
