import Foundation
import PipelineCore
import Plugins
import Testing

@Suite("JSON-LD JobPosting and ATS presets")
struct JSONLDAndPresetsTests {
    static let page = """
        <!doctype html>
        <html><head>
        <script>var notJSON = { broken: true };</script>
        <script type="application/ld+json">
        {"@context": "https://schema.org", "@graph": [
          {"@type": "Organization", "name": "Not a posting"},
          {"@type": "JobPosting", "title": "Senior Back-End Developer",
           "description": "<p>Go &amp; Postgres</p>",
           "identifier": {"@type": "PropertyValue", "name": "Acme", "value": "REQ-42"},
           "url": "/careers/42",
           "datePosted": "2026-11-20", "validThrough": "2026-12-31T23:59",
           "employmentType": ["FULL_TIME", "CONTRACTOR"],
           "hiringOrganization": {"@type": "Organization", "name": "Acme Corp", "sameAs": "https://acme.example", "logo": "https://acme.example/logo.png"},
           "jobLocation": [
             {"@type": "Place", "address": {"@type": "PostalAddress", "streetAddress": "1 King St", "addressLocality": "Toronto", "addressRegion": "ON", "postalCode": "M5H 1A1", "addressCountry": {"@type": "Country", "name": "CA"}}},
             {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": "Ottawa", "addressRegion": "ON", "addressCountry": "CA"}}
           ],
           "baseSalary": {"@type": "MonetaryAmount", "currency": "CAD", "value": {"@type": "QuantitativeValue", "minValue": 60, "maxValue": 75, "unitText": "HOUR"}},
           "estimatedSalary": {"@type": "MonetaryAmount", "currency": "CAD", "value": 130000},
           "directApply": true}
        ]}
        </script>
        <SCRIPT TYPE="application/ld+json; charset=utf-8">
        [{"@type": ["JobPosting"], "title": "Remote QA Engineer", "identifier": "QA-7", "jobLocationType": "TELECOMMUTE",
          "applicantLocationRequirements": {"@type": "Country", "name": "CA"}, "employmentType": "PART_TIME",
          "hiringOrganization": "Initech", "baseSalary": {"currency": "CAD", "value": 55000}}]
        </SCRIPT>
        <script type="application/ld+json">{ "broken": </script>
        </head><body><p>{"@type": "JobPosting", "title": "text in the page is not JSON-LD"}</p></body></html>
        """

    @Test("an HTML page's JSON-LD blocks: @graph, arrays, every mapped property; other blocks and the page's text skipped")
    func page() async throws {
        let (out, report, _) = try await XMLSourcesTests.read("jsonld", Self.page, name: "careers.html")
        #expect(report.exitCode == 0)
        // The broken block, and the relative URL: a file has no address to resolve it against.
        #expect(report.warnings == 2)
        #expect(out.count == 2)
        let qa = out[0], dev = out[1]
        #expect(dev["source_id"] == .string("REQ-42"))
        #expect(dev["title"] == .string("Senior Back-End Developer"))
        #expect(dev["url"] == nil)
        #expect(dev["description_html"] == .string("<p>Go &amp; Postgres</p>"))
        #expect(dev["company"] == .string("Acme Corp"))
        #expect(dev["date_posted"] == .string("2026-11-20T00:00:00Z"))
        #expect(dev["valid_through"] == .string("2026-12-31T23:59:00Z"))
        #expect(dev["employment_type"] == .string("FULL_TIME"))
        #expect(dev["location"] == .object([("city", .string("Toronto")), ("region", .string("ON")), ("country", .string("CA")), ("postal_code", .string("M5H 1A1"))]))
        #expect(dev["salary"] == .object([("min", .number("60")), ("max", .number("75")), ("currency", .string("CAD")), ("period", .string("hour"))]))
        let extra = XMLSourcesTests.object(dev["extra"])
        #expect(extra["other_locations"] == "Ottawa, ON, CA")
        #expect(extra["street_address"] == "1 King St")
        #expect(extra["company_url"] == "https://acme.example")
        #expect(extra["direct_apply"] == "true")
        #expect(extra["employment_types"] == "FULL_TIME, CONTRACTOR")
        #expect(extra["estimated_salary"]?.contains("130000") == true)
        #expect(qa["source_id"] == .string("QA-7"))
        #expect(qa["company"] == .string("Initech"))
        #expect(qa["employment_type"] == .string("PART_TIME"))
        #expect(qa["location"] == .object([("country", .string("CA")), ("remote", .bool(true))]))
        #expect(qa["salary"] == .object([("min", .number("55000")), ("currency", .string("CAD"))]))
    }

    @Test("a JSON-LD document; a posting without url or identifier is a reject")
    func document() async throws {
        let (out, report, scratch) = try await XMLSourcesTests.read("jsonld", """
            [{"@context": "https://schema.org", "@type": "JobPosting", "title": "DBA", "url": "https://x.example/dba"},
             {"@type": "JobPosting", "title": "No way to identify it"},
             {"@type": "Event", "name": "Not a job"}]
            """, name: "jobs.jsonld")
        #expect(report.exitCode == 0)
        #expect(out.map { $0["title"] } == [.string("DBA")])
        #expect(try scratch.jsonLines("rejects.jsonl").first?["position"] == .string("jobs.jsonld JobPosting 2"))
    }

    @Test("preset greenhouse: the boards API's jobs, escaped HTML content, departments and offices")
    func greenhouse() async throws {
        let (out, report, _) = try await XMLSourcesTests.read("json", """
            {"jobs": [{"id": 4012345, "title": "Backend Engineer", "absolute_url": "https://boards.greenhouse.io/acme/jobs/4012345",
              "location": {"name": "Toronto, ON"}, "updated_at": "2026-11-20T10:00:00-05:00",
              "content": "&lt;p&gt;Build &amp;amp; run APIs&lt;/p&gt;",
              "departments": [{"id": 1, "name": "Engineering"}], "offices": [{"id": 2, "name": "Toronto"}, {"id": 3, "name": "Remote"}]}],
             "meta": {"total": 1}}
            """, options: "preset: greenhouse", name: "gh.json")
        #expect(report.exitCode == 0)
        let job = try #require(out.first)
        #expect(job["source_id"] == .string("4012345"))
        #expect(job["url"] == .string("https://boards.greenhouse.io/acme/jobs/4012345"))
        #expect(job["location"] == .object([("text", .string("Toronto, ON"))]))
        #expect(job["date_posted"] == .string("2026-11-20T15:00:00Z"))
        #expect(job["description_html"] == .string("<p>Build &amp; run APIs</p>"))
        #expect(XMLSourcesTests.object(job["extra"])["department"] == "Engineering")
        #expect(XMLSourcesTests.object(job["extra"])["office"] == "Toronto; Remote")
    }

    @Test("preset lever: the postings API, epoch milliseconds, the salary range; the file overrides a field")
    func lever() async throws {
        let (out, report, _) = try await XMLSourcesTests.read("json", """
            [{"id": "5ac21346-8e0c-4494-8e7a-3eb92ff77902", "text": "Data Engineer", "hostedUrl": "https://jobs.lever.co/acme/5ac2",
              "categories": {"location": "Vancouver, BC", "commitment": "Full-time", "team": "Data"},
              "createdAt": 1795449600000, "descriptionPlain": "Pipelines.", "description": "<div>Pipelines.</div>",
              "salaryRange": {"min": 110000, "max": 140000, "currency": "CAD", "interval": "per-year-salary"},
              "workplaceType": "hybrid", "internal_title": "DE II"}]
            """, options: "preset: lever, fields: { title: internal_title }", name: "lever.json")
        #expect(report.exitCode == 0)
        let job = try #require(out.first)
        #expect(job["title"] == .string("DE II"))
        #expect(job["url"] == .string("https://jobs.lever.co/acme/5ac2"))
        #expect(job["employment_type"] == .string("FULL_TIME"))
        #expect(job["date_posted"] == .string("2026-11-23T16:00:00Z"))
        #expect(job["salary"] == .object([("min", .number("110000")), ("max", .number("140000")), ("currency", .string("CAD")), ("period", .string("year"))]))
        #expect(XMLSourcesTests.object(job["extra"])["team"] == "Data")
    }

    @Test("an unknown preset is a config error with a suggestion")
    func unknownPreset() throws {
        let errors = try Scratch().errors("""
            version: 1
            name: x
            sources: { s: { type: json, path: a.json, preset: greenhose } }
            sinks: { o: { type: jsonl, path: o.jsonl } }
            """)
        #expect(errors == ["x.yaml:3:51: error: 'greenhose' is not one of greenhouse, lever (did you mean 'greenhouse'?)"])
    }
}
