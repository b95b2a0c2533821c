import PipelineCore

/// Writes RFC 4180 CSV: a header row, then one row per posting with the `columns:` named by
/// their dotted field paths, CRLF line ends, fields quoted when they need it. Text that a
/// spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) is prefixed with `'`.
///
/// ```yaml
/// sheet:
///   type: csv
///   path: out/jobs.csv
///   columns: [id, title, company, location.city, salary.min, salary.max, extra.department]
/// ```
public struct CSVSink: Sink {
    public static let type = "csv"
    public static let summary = "RFC 4180 CSV with a header row; columns: names the fields (dotted paths), formula-safe cells"

    /// Options of the `csv` sink.
    public struct Options: PluginOptions {
        /// The columns, as field paths.
        public var columns: [String]?

        public static let optionHelp = [
            "columns": "field paths to write, in order (default id, title, company, location.city, location.region, location.country, location.remote, employment_type, salary.min, salary.max, salary.currency, salary.period, date_posted, valid_through, url)",
        ]

        public init() {}
    }

    /// The columns when `columns:` is not given.
    static let defaultColumns = [
        "id", "title", "company", "location.city", "location.region", "location.country", "location.remote", "employment_type",
        "salary.min", "salary.max", "salary.currency", "salary.period", "date_posted", "valid_through", "url",
    ]

    let columns: [(name: String, path: FieldPath)]

    public init(options: Options, context: SinkContext) throws {
        let names = options.columns ?? Self.defaultColumns
        guard !names.isEmpty else { throw ConfigValueError("columns: name at least one field") }
        columns = try names.map { name in
            do {
                return (name, try FieldPath(parsing: name))
            } catch {
                throw ConfigValueError("columns: \(error)")
            }
        }
    }

    public func makeWriter() -> any FeedWriter { Writer(columns: columns) }

    struct Writer: FeedWriter {
        let columns: [(name: String, path: FieldPath)]

        mutating func begin(_ out: FeedOutput) throws {
            try out.write(columns.map { Self.cell($0.name) }.joined(separator: ",") + "\r\n")
        }

        mutating func write(_ posting: JobPosting, to out: FeedOutput) throws {
            let cells = columns.map { column -> String in
                switch column.path.get(posting) {
                case .null: return ""
                case .number(let n): return FieldValue.number(n).description
                case .bool(let b): return b ? "true" : "false"
                case .string(let s): return Self.cell(s)
                case .list(let l): return Self.cell(l.joined(separator: "; "))
                }
            }
            try out.write(cells.joined(separator: ",") + "\r\n")
        }

        /// A text cell: defused when a spreadsheet would read it as a formula, quoted when it
        /// holds a comma, a quote, a line end or edge spaces.
        static func cell(_ text: String) -> String {
            var value = text
            if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
                value = "'" + value
            }
            let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                || value.first == " " || value.last == " "
            guard needsQuotes else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}
