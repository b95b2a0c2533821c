/// A `fields:` option: record fields mapped to paths in each source record, each a path or a
/// list of paths of which the first non-empty wins.
///
/// ```yaml
/// fields: { title: [position.name, job_title], company: employer.name, location.city: address.locality }
/// ```
public struct FieldMappingOption: OptionValue {
    /// The mapping, checked.
    public let mapping: RecordMapping
    /// The entries as written: record field and its paths.
    public let pairs: [(target: String, sources: [String])]

    public static let optionType = "mapping of record field to source path (or list of paths)"
    public static let placeholder = FieldMappingOption(mapping: .recordForm, pairs: [])

    private init(mapping: RecordMapping, pairs: [(target: String, sources: [String])]) {
        self.mapping = mapping
        self.pairs = pairs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        var pairs: [(target: String, sources: [String])] = []
        for key in c.allKeys {
            let entry = try c.decode(MappedPaths.self, forKey: key)
            pairs.append((key.stringValue, entry.paths))
        }
        do {
            self.mapping = try RecordMapping(fields: pairs)
        } catch {
            throw ConfigValueError(error.message)
        }
        self.pairs = pairs
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: AnyKey.self)
        for (target, sources) in pairs {
            try c.encode(sources, forKey: AnyKey(target))
        }
    }
}

/// One value of a `fields:` mapping, checked where it stands so errors point at it.
private struct MappedPaths: OptionValue {
    let paths: [String]

    static let optionType = "path or list of paths"
    static let placeholder = MappedPaths(paths: [])

    init(paths: [String]) {
        self.paths = paths
    }

    func encode(to encoder: any Encoder) throws {
        try paths.encode(to: encoder)
    }

    init(from decoder: any Decoder) throws {
        let target = decoder.codingPath.last?.stringValue ?? ""
        if decoder.userInfo[configNodeKindKey] as? String == "sequence" {
            paths = try [String](from: decoder)
        } else {
            paths = [try decoder.singleValueContainer().decode(String.self)]
        }
        do {
            _ = try RecordMapping(fields: [(target, paths)])
        } catch {
            throw ConfigValueError(error.message)
        }
    }
}
