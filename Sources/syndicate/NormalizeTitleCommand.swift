import ArgumentParser
import Foundation
import PipelineCore
import Plugins

/// `syndicate normalize-title TITLE...`: what the normalize stage makes of titles, one JSON line
/// each, for operators checking a feed's titles.
struct NormalizeTitleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize-title",
        abstract: "Print, one JSON line per title, what the normalize stage makes of it."
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

    func run() throws {
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
        for raw in all {
            let result = TitleNormalizer.shared.normalize(raw)
            var w = JSONWriter()
            w.beginObject()
            w.key("title_raw"); w.string(raw)
            w.key("title"); w.string(result.title)
            if let canonical = result.canonical {
                w.key("title_canonical"); w.string(canonical.title)
            }
            if let seniority = result.seniority {
                w.key("seniority"); w.string(seniority.rawValue)
            }
            w.key("role_type"); w.string((result.canonical?.roleType ?? .other).rawValue)
            if let canonical = result.canonical, canonical.noc != nil || canonical.onet != nil {
                w.key("occupation")
                w.beginObject()
                if let noc = canonical.noc { w.key("noc"); w.string(noc) }
                if let onet = canonical.onet { w.key("onet"); w.string(onet) }
                w.endObject()
            }
            if !result.skills.isEmpty {
                w.key("skills"); w.beginArray()
                for skill in result.skills { w.string(skill) }
                w.endArray()
            }
            if let place = result.place { w.key("location_text"); w.string(place) }
            if let remote = result.remote { w.key("remote"); w.bool(remote) }
            if let salary = result.salary { w.key("salary_text"); w.string(salary) }
            if let type = result.employmentType { w.key("employment_type"); w.string(type.rawValue) }
            w.endObject()
            print(w.string)
        }
    }
}
