import Foundation
import PipelineCore

/// Reads a place as postings write it into `city`, `region` (ISO 3166-2 code without the
/// country), `country` (ISO 3166-1 alpha-2) and `remote`, from a shipped gazetteer of Canadian
/// provinces and territories, US states and the larger cities of both.
///
/// ```swift
/// PlaceParser.shared.parse("Hybrid - Vancouver, BC")   // city Vancouver, region BC, country CA
/// PlaceParser.shared.parse("Remote - Canada")          // country CA, remote
/// ```
struct PlaceParser: Sendable {
    private struct File: Decodable {
        struct City: Decodable {
            let name: String
            let region: String
            let country: String
            let aliases: [String]?
        }
        let countries: [String: [String]]
        let regions: [String: [String: [String]]]
        let cities: [City]
    }

    /// Country names -> code.
    let countries: [String: String]
    /// Region codes and names -> (country, code); codes that two countries share (CA) resolve by
    /// the rest of the text.
    let regions: [String: [(country: String, code: String)]]
    /// City names -> (display name, region, country).
    let cities: [String: (name: String, region: String, country: String)]

    static let shared: PlaceParser = {
        do {
            return try PlaceParser()
        } catch {
            // The shipped gazetteer is part of the build; a broken one is a build defect caught by
            // the tests, never input.
            preconditionFailure("the shipped gazetteer cannot be read: \(error)")
        }
    }()

    init() throws {
        guard let url = Bundle.module.url(forResource: "places", withExtension: "json", subdirectory: "Resources") else {
            throw SourceError("the gazetteer is missing from the build")
        }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        var countries: [String: String] = [:]
        for (code, names) in file.countries {
            countries[code.lowercased()] = code
            for name in names { countries[name] = code }
        }
        var regions: [String: [(country: String, code: String)]] = [:]
        for (country, byCode) in file.regions {
            for (code, names) in byCode {
                regions[code.lowercased(), default: []].append((country, code))
                for name in names { regions[name, default: []].append((country, code)) }
            }
        }
        var cities: [String: (name: String, region: String, country: String)] = [:]
        for city in file.cities {
            for name in [city.name.lowercased()] + (city.aliases ?? []) { cities[name] = (city.name, city.region, city.country) }
        }
        self.countries = countries
        self.regions = regions
        self.cities = cities
    }

    /// What a place text says; fields it cannot tell are left absent.
    func parse(_ text: String) -> Location {
        var location = Location(text: text)
        var lower = text.lowercased()
        for word in ["remote", "télétravail", "work from home", "wfh", "anywhere"] where lower.has(word) {
            location.remote = true
        }
        // Foundation's replacing only where there is something to replace: it cost a fifth of
        // normalizing a posting when run for every word on every place.
        for word in ["remote", "hybrid", "hybride", "on-site", "onsite", "télétravail", "work from home", "wfh", "anywhere in", "anywhere"] where lower.has(word) {
            lower = lower.replacingOccurrences(of: word, with: " ")
        }
        let parts = lower.split(whereSeparator: { ",()/|–—-;".contains($0) }).map { $0.trimmed }.filter { !$0.isEmpty }
        var country: String?
        var regionNames: [String] = []
        var cityPart: String?
        for part in parts {
            // "CA" is Canada and California: a known city's region decides, else the country.
            if countries[part] != nil, regions[part] != nil, part.count == 2,
                let city = parts.first.flatMap({ cities[$0] }), city.region.lowercased() == part
            {
                regionNames.append(part)
                country = country ?? city.country
            } else if let code = countries[part] {
                country = code
            } else if regions[part] != nil {
                regionNames.append(part)
            } else if cityPart == nil {
                cityPart = part
            }
        }
        // "Québec, QC" and "New York, New York": a city named after its region, written first.
        if cityPart == nil, regionNames.count >= 2, parts.first == regionNames[0], cities[regionNames[0]] != nil {
            cityPart = regionNames.removeFirst()
        }
        // A region code that two countries share (CA) is read by the country given, else as
        // Canadian when it is a province name or the city says so.
        var region: (country: String, code: String)?
        if let name = regionNames.first, let candidates = regions[name] {
            region = candidates.first { $0.country == country } ?? candidates.first { $0.country == "CA" && name.count > 2 } ?? candidates.first
            if name == "ca", country == nil, regionNames.count == 1, cityPart != nil, let city = cities[cityPart ?? ""], city.country == "US" {
                region = ("US", "CA")
            } else if name == "ca", country == nil, regionNames.count == 1, cityPart == nil {
                // "Remote, CA": Canada, the country, more often than California in these feeds.
                region = nil
                country = "CA"
            }
        }
        if let cityPart {
            if let known = cities[cityPart], region == nil || region?.code == known.region {
                location.city = known.name
                region = region ?? (known.country, known.region)
                country = country ?? known.country
            } else if region != nil || country != nil, cityPart.split(separator: " ").count <= 4, cityPart.allSatisfy({ $0.isLetter || $0 == " " || $0 == "." || $0 == "'" }) {
                location.city = cityPart.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
            }
        }
        if let region {
            location.region = region.code
            country = country ?? region.country
        }
        location.country = country
        return location
    }
}
