import Foundation
import PipelineCore

/// Maps an Atom `entry` (1.0 and 0.3) onto the record: `id` as `source_id`, the alternate link
/// resolved against `xml:base`, `published` (else `updated`), `content` (else `summary`) as
/// HTML whatever its type, the author as the hiring company (job-board Atom feeds put the
/// employer there) and `author` in `extra`, job extensions by local name.
enum AtomMapper {
    static func map(_ record: XMLStreamParser.Record, documentBase: String?) -> PostingBuilder {
        var b = PostingBuilder()
        let entry = record.element
        let base = XMLStreamParser.resolve(entry.attribute("base"), against: record.base ?? documentBase)
        var links: [(rel: String, type: String?, href: String)] = []
        var content: String?, summary: String?
        var published: String?, updated: String?
        var authors: [String] = []
        var mediaTitle: String?, mediaDescription: String?
        for case .element(let child) in entry.children {
            guard Namespace.isAtom(child.namespace) else {
                if Namespace.known.contains(child.namespace ?? "") {
                    switch (child.namespace ?? "", child.name) {
                    case (Namespace.dc, "date"), (Namespace.dcterms, "issued"): published = child.text
                    case (Namespace.dcterms, "modified"): updated = child.text
                    case (Namespace.media, _), (Namespace.itunes, "summary"), (Namespace.itunesCapitalized, "summary"):
                        let described = MediaModule.describe(child)
                        if described.title == nil && described.description == nil { b.extra(child.extraKey, child.text) }
                        mediaTitle = mediaTitle ?? described.title
                        mediaDescription = mediaDescription ?? described.description
                    default: b.extra(child.extraKey, child.text)
                    }
                } else {
                    JobExtensions.apply(child, to: &b)
                }
                continue
            }
            switch child.name {
            case "title": b.fill(.title, plainText(child))
            case "id": b.fill(.sourceID, child.text)
            case "link":
                if let href = child.attribute("href") {
                    let elementBase = XMLStreamParser.resolve(child.attribute("base"), against: base)
                    links.append((child.attribute("rel") ?? "alternate", child.attribute("type"), XMLStreamParser.resolve(href, against: elementBase) ?? href))
                }
            case "content": content = content ?? html(child)
            case "summary", "tagline": summary = summary ?? html(child)
            // Repeated dates: the last one wins, as feed readers do.
            case "published", "issued", "created": published = child.text
            case "updated", "modified": updated = child.text
            case "author":
                let name = child.first("name")?.text.trimmed
                let email = child.first("email")?.text.trimmed
                if let name, !name.isEmpty {
                    authors.append(email.map { "\(name) (\($0))" } ?? name)
                    b.fill(.company, name)
                } else if let email, !email.isEmpty {
                    authors.append(email)
                }
            case "category":
                b.extra("category", child.attribute("term") ?? child.attribute("label") ?? child.text)
            case "expires":
                b.fill(.validThrough, child.text)
            default:
                break
            }
        }
        let alternate = links.first { $0.rel == "alternate" && ($0.type == nil || $0.type!.contains("html")) }
            ?? links.first { $0.rel == "alternate" }
        b.set(.url, alternate?.href)
        b.set(.descriptionHTML, content ?? summary ?? mediaDescription)
        b.fill(.title, mediaTitle)
        b.set(.datePosted, published ?? updated)
        for author in authors { b.extra("author", author) }
        return b
    }

    /// A text construct as HTML: `html` and `escaped` content is HTML already; `xhtml` and `xml`
    /// content is serialized; `text` is escaped; `base64` is decoded.
    static func html(_ element: XMLElement) -> String {
        let type = (element.attribute("type") ?? "text").lowercased()
        let mode = element.attribute("mode")?.lowercased()
        if mode == "base64", let data = Data(base64Encoded: element.text.trimmed, options: .ignoreUnknownCharacters) {
            return String(decoding: data, as: UTF8.self)
        }
        if type == "xhtml" || mode == "xml" || type.hasSuffix("xml") {
            if let div = element.first("div", namespace: Namespace.xhtml), element.elements.count == 1 { return div.innerXML }
            return element.innerXML
        }
        if type == "html" || type == "text/html" || mode == "escaped" { return element.text }
        return XMLElement.escape(element.text, quotes: false)
    }

    /// A text construct as plain text for a title: an `html` or `escaped` one loses its markup
    /// and has its references decoded; `text` and `xhtml` ones give their text.
    static func plainText(_ element: XMLElement) -> String {
        let type = (element.attribute("type") ?? "text").lowercased()
        if type == "html" || type == "text/html" || element.attribute("mode")?.lowercased() == "escaped" {
            return HTMLText.plain(element.text)
        }
        return element.text
    }
}
