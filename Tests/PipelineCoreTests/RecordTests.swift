import Foundation
import Testing
@testable import PipelineCore

@Suite("The record")
struct RecordTests {
    static func full() -> JobPosting {
        var p = JobPosting(id: "abc", source: "acme", sourceID: "1", url: "https://x.example/1", title: "Senior Back-End Developer", company: "Acme")
        p.titleRaw = "Sr. back end developper!!!"
        p.titleCanonical = "Back-End Developer"
        p.seniority = .senior
        p.roleType = .backendEngineer
        p.occupation = Occupation(noc: "21232", onet: "15-1252.00")
        p.location = Location(city: "Toronto", region: "ON", country: "CA", postalCode: "M5V 2T6", remote: false, text: "Toronto, ON")
        p.salary = Salary(min: 110_000, max: 135_000, currency: "CAD", period: .year, text: "$110,000 - $135,000")
        p.salaryBand = SalaryBand(label: .senior, min: 110_000, max: 135_000, currency: "CAD", basis: .posted)
        p.employmentType = .fullTime
        p.datePosted = RFC3339.parse("2026-11-20T14:00:00Z")
        p.validThrough = RFC3339.parse("2026-12-20T00:00:00Z")
        p.descriptionHTML = "<p>Go</p>"
        p.descriptionText = "Go"
        p.skills = ["go", "postgresql"]
        p.duplicates = [DuplicateReference(source: "partner", sourceID: "9", url: "https://y.example/9")]
        p.extra = ["department": "Platform", "board": "main"]
        return p
    }

    @Test("the JSON form uses the specification's field names in its order")
    func fieldNames() throws {
        let text = Self.full().jsonText
        let keys = ["id", "source", "source_id", "url", "title", "title_raw", "title_canonical", "seniority", "role_type",
                    "occupation", "company", "location", "salary", "salary_band", "employment_type", "date_posted",
                    "valid_through", "description_html", "description_text", "skills", "duplicates", "extra"]
        guard case .object(let members) = try JSONParser.parse(Array(text.utf8)) else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.0) == keys)
        #expect(text.contains(#""location":{"city":"Toronto","region":"ON","country":"CA","postal_code":"M5V 2T6","remote":false,"text":"Toronto, ON"}"#))
        #expect(text.contains(#""date_posted":"2026-11-20T14:00:00Z""#))
        #expect(text.contains(#""extra":{"board":"main","department":"Platform"}"#))
    }

    @Test("absent values are omitted")
    func omitsAbsent() {
        #expect(JobPosting(sourceID: "1", title: "Dev").jsonText == #"{"source_id":"1","title":"Dev"}"#)
    }

    @Test("the fast writer and Codable agree, both ways")
    func codableAgrees() throws {
        let p = Self.full()
        let decoded = try JSONDecoder().decode(JobPosting.self, from: Data(p.jsonText.utf8))
        #expect(decoded == p)
        let encoded = try JSONEncoder().encode(p)
        #expect(RecordMapping.recordForm.map(try JSONParser.parse([UInt8](encoded))).posting == p)
    }

    @Test("reading the JSON form back gives the same record")
    func recordFormRoundTrip() throws {
        let p = Self.full()
        let result = RecordMapping.recordForm.map(try JSONParser.parse(Array(p.jsonText.utf8)))
        #expect(result.rejection == nil)
        #expect(result.posting == p)
    }

    @Test("the store's trusted reading gives back the record the fast writer wrote")
    func storedRoundTrip() throws {
        let p = Self.full()
        #expect(JobPosting(storedJSON: try JSONParser.parse(Array(p.jsonText.utf8))) == p)
        #expect(StoredPosting(json: Array(p.jsonText.utf8)).posting == p)
        // Read member by member, the bytes give what the built value gives, spacing, escapes,
        // numbers and unknown members included.
        let text = #" { "id" : "a\"b" , "title":"Caf\u00e9 \/ Bar", "remote_note": {"x": [1, 2]}, "salary": {"min": 100000, "max": 1.5e5, "currency": "CAD"}, "skills": ["go", "sql"], "source_id": 42, "extra": {"k": true} } "#
        let built = JobPosting(storedJSON: try JSONParser.parse(Array(text.utf8)))
        #expect(StoredPosting(json: Array(text.utf8)).posting == built)
        #expect(built.title == "Café / Bar" && built.id == "a\"b" && built.sourceID == "42" && built.salary?.max == 150_000)
        // Nested members read in place give what the built value gives: unknown names, values
        // of the wrong kind, escaped names, empty objects and arrays.
        let nested = #"{"location": {"city": "Montr\u00e9al", "c\u006funtry": "CA", "remote": "yes", "geo": {"lat": 45.5}, "postal_code": 123},"#
            + #" "occupation": [], "salary_band": {"label": "senior", "min": "90000", "basis": "estimated", "max": null},"#
            + #" "salary": {}, "skills": ["go", 3, {"x": 1}, null, true], "duplicates": [{"source": "a", "x": []}, 7, {}],"#
            + #" "extra": {"n": 1, "o": {"p": 2}, "s": "t"}, "description_text": "a\nb\u2028c"}"#
        let nestedBuilt = JobPosting(storedJSON: try JSONParser.parse(Array(nested.utf8)))
        #expect(StoredPosting(json: Array(nested.utf8)).posting == nestedBuilt)
        #expect(nestedBuilt.location?.city == "Montréal" && nestedBuilt.location?.country == "CA" && nestedBuilt.location?.postalCode == "123")
        #expect(nestedBuilt.skills == ["go", "3", "true"] && nestedBuilt.duplicates?.count == 3 && nestedBuilt.extra == ["n": "1", "s": "t"])
        let wrongKinds = #"{"location": "Toronto", "skills": "go", "duplicates": {}, "extra": [1], "salary": 5}"#
        let wrongBuilt = JobPosting(storedJSON: try JSONParser.parse(Array(wrongKinds.utf8)))
        #expect(StoredPosting(json: Array(wrongKinds.utf8)).posting == wrongBuilt)
        #expect(wrongBuilt.location == Location() && wrongBuilt.skills == nil && wrongBuilt.extra == nil)
        // Enumerations and dates read from their bytes give what the built value gives:
        // escaped, unknown, of the wrong kind, spaced, date-only and not dates at all.
        let kinds = [
            #"{"seniority": "s\u0065nior", "role_type": "backend_engineer", "employment_type": "FULL_TIME", "date_posted": " 2026-11-25 ", "valid_through": "2026-12-25T10:00:00-05:00"}"#,
            #"{"seniority": "wizard", "role_type": 7, "employment_type": null, "date_posted": "yesterday", "valid_through": true}"#,
            #"{"seniority": "", "role_type": "backend_engineer ", "employment_type": "full_time", "date_posted": "2026-11-25T10:00:00.5Z", "valid_through": "2026-13-01"}"#,
        ]
        for kind in kinds {
            let built = JobPosting(storedJSON: try JSONParser.parse(Array(kind.utf8)))
            #expect(StoredPosting(json: Array(kind.utf8)).posting == built)
        }
        let first = StoredPosting(json: Array(kinds[0].utf8)).posting
        #expect(first.seniority == .senior && first.roleType == .backendEngineer && first.employmentType == .fullTime)
        #expect(first.datePosted.map(RFC3339.format) == "2026-11-25T00:00:00Z" && first.validThrough.map(RFC3339.format) == "2026-12-25T15:00:00Z")
        let third = StoredPosting(json: Array(kinds[2].utf8)).posting
        #expect(third.seniority == nil && third.roleType == nil && third.employmentType == nil && third.validThrough == nil)
        #expect(third.datePosted?.timeIntervalSince1970 == 1_795_600_800.5)
        // A damaged record reads as an empty posting, as before.
        #expect(StoredPosting(json: Array(#"{"id": "x", "title"#.utf8)).posting == JobPosting())
    }

    @Test("ids are stable, and differ by source and by source id")
    func ids() {
        let a = PostingID.make(source: "acme", sourceID: "1", url: nil)
        #expect(a == PostingID.make(source: "acme", sourceID: "1", url: "https://other"))
        #expect(a != PostingID.make(source: "acme", sourceID: "2", url: nil))
        #expect(a != PostingID.make(source: "beta", sourceID: "1", url: nil))
        #expect(a.count == 16)
        // The values themselves never change (a state keeps them run after run): FNV-1a 64 of
        // each part and a 0xFF after it, computed independently, leading zeros kept.
        #expect(PostingID.make(source: "acme", sourceID: "1", url: nil) == "9f93e3ce3e4fd62e")
        #expect(PostingID.make(source: "rss", sourceID: nil, url: "https://careers.example/jobs/1") == "c3ba75ce95e59ba2")
        #expect(PostingID.make(source: "b", sourceID: "café — 42", url: nil) == "dcc1028ad90b89d7")
        #expect(PostingID.make(source: "", sourceID: nil, url: nil) == "bc2c9caad08a3aad")
        #expect(PostingID.make(source: "acme", sourceID: "910", url: nil) == "00be332e171d5519")
        // A string without contiguous UTF-8 (bridged or a substring's copy) hashes the same.
        var h = StableHash()
        h.add(String("xacme".dropFirst()))
        h.add("id")
        h.add("1")
        #expect(h.hex == "9f93e3ce3e4fd62e")
    }
}
