import Foundation
import Yams

@testable import MergeServer

/// The server's OpenAPI document parsed with Yams, for the tests: which routes it
/// lists, and whether a response the server gave matches the schema the spec declares
/// for that route and status (types, required keys, `additionalProperties: false`,
/// enums, `$ref`, `oneOf`/`anyOf`/`allOf`). Not a whole JSON Schema validator: the
/// keywords the spec uses for response bodies.
struct OpenAPISpec: Sendable {
    let document: [String: any Sendable]

    static let shared: OpenAPISpec = {
        let text = String(decoding: OpenAPIDocument.bytes, as: UTF8.self)
        // A spec that does not parse fails every test that reads it, with Yams's message.
        do {
            guard let loaded = try Yams.load(yaml: text).map(normalized) as? [String: any Sendable] else {
                return OpenAPISpec(document: [:], parseError: "openapi.yaml is not a YAML mapping")
            }
            return OpenAPISpec(document: loaded, parseError: nil)
        } catch {
            return OpenAPISpec(document: [:], parseError: "openapi.yaml does not parse: \(error)")
        }
    }()

    /// Why the document could not be read, if it could not.
    let parseError: String?

    /// Yams gives integer keys for `200:` and `[AnyHashable: Any]` maps; make them `[String: Any]`.
    private static func normalized(_ value: Any) -> any Sendable {
        if let map = value as? [AnyHashable: Any] {
            var result: [String: any Sendable] = [:]
            for (key, child) in map { result["\(key.base)"] = normalized(child) }
            return result
        }
        if let list = value as? [Any] { return list.map(normalized) }
        if let text = value as? String { return text }
        if let number = value as? Int { return number }
        if let number = value as? Double { return number }
        if let flag = value as? Bool { return flag }
        return "\(value)"
    }

    private var paths: [String: any Sendable] { document["paths"] as? [String: any Sendable] ?? [:] }

    /// "GET /api/jobs/{id}" for every operation.
    var routes: Set<String> {
        var routes = Set<String>()
        for (path, item) in paths {
            for method in ((item as? [String: any Sendable]) ?? [:]).keys
            where ["get", "post", "put", "delete", "head", "patch", "options"].contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    /// The spec's template for a concrete path: `/api/jobs/job_1` → `/api/jobs/{id}`.
    func template(for path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return paths.keys.sorted().first { template in
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            return parts.count == segments.count && zip(parts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
    }

    /// What is wrong with a response, by the spec; empty when it conforms. Bodies that are
    /// not JSON (media, event streams, YAML) are checked for status and type only.
    func violations(method: String, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        let route = "\(method) \(path)"
        guard let template = template(for: path) else { return ["\(route): no such path in the spec"] }
        guard let operation = (paths[template] as? [String: any Sendable])?[method.lowercased()] as? [String: any Sendable] else {
            return ["\(route): the spec has no \(method) for \(template)"]
        }
        let responses = operation["responses"] as? [String: any Sendable] ?? [:]
        guard let declared = responses["\(status)"] ?? responses["\(status / 100)XX"] ?? responses["default"] else {
            return ["\(route): status \(status) is not among the spec's \(responses.keys.sorted())"]
        }
        let response = resolve(declared) as? [String: any Sendable] ?? [:]
        let content = response["content"] as? [String: any Sendable] ?? [:]
        let base = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if content.isEmpty { return [] }
        // A declared type matches by its base (`text/plain; version=0.0.4` is text/plain), `video/*` any video.
        let declaredKey = content.keys.sorted().first { key in
            let declared = key.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? key
            return declared == base || (declared.hasSuffix("/*") && base.hasPrefix(declared.dropLast()))
        }
        guard let declaredKey, let media = content[declaredKey] as? [String: any Sendable] else {
            return ["\(route) \(status): content type \(base.isEmpty ? "(none)" : base) is not among \(content.keys.sorted())"]
        }
        // A HEAD answer has the GET answer's headers and no body to check.
        guard base.hasSuffix("json"), method != "HEAD", let schema = media["schema"] else { return [] }
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return ["\(route) \(status): the body is not JSON"]
        }
        return check(value, against: schema, at: "\(route) \(status) $")
    }

    /// Follows `$ref: '#/components/…'`.
    private func resolve(_ node: any Sendable) -> any Sendable {
        guard let map = node as? [String: any Sendable], let reference = map["$ref"] as? String,
            reference.hasPrefix("#/")
        else { return node }
        var current: (any Sendable)? = document
        for key in reference.dropFirst(2).split(separator: "/") {
            current = (current as? [String: any Sendable])?[String(key)]
        }
        return current.map(resolve) ?? ["unresolved": reference]
    }

    private func typeName(of value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber:
            // Foundation's JSON numbers tell their kind by objCType: c bool, d double, else integer.
            switch String(cString: number.objCType) {
            case "c": return "boolean"
            case "d", "f": return number.doubleValue == number.doubleValue.rounded() ? "integer" : "number"
            default: return "integer"
            }
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    private func check(_ value: Any, against node: any Sendable, at location: String) -> [String] {
        guard let schema = resolve(node) as? [String: any Sendable] else { return [] }
        if let unresolved = schema["unresolved"] { return ["\(location): unresolved \(unresolved)"] }
        var problems: [String] = []
        if let all = schema["allOf"] as? [any Sendable] {
            for part in all { problems += check(value, against: part, at: location) }
        }
        for keyword in ["oneOf", "anyOf"] {
            if let options = schema[keyword] as? [any Sendable],
                !options.contains(where: { check(value, against: $0, at: location).isEmpty })
            {
                problems.append("\(location): matches none of its \(keyword) schemas")
            }
        }
        let actual = typeName(of: value)
        if let declared = schema["type"] {
            let allowed = (declared as? [any Sendable])?.compactMap { $0 as? String } ?? [(declared as? String) ?? ""]
            let fits = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !fits { return problems + ["\(location): \(actual) where the spec says \(allowed.joined(separator: " or "))"] }
        }
        if let options = schema["enum"] as? [any Sendable], let text = value as? String,
            !options.contains(where: { ($0 as? String) == text })
        {
            problems.append("\(location): \(text.debugDescription) is not one of \(options)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: any Sendable] ?? [:]
            for key in (schema["required"] as? [any Sendable] ?? []).compactMap({ $0 as? String }) where object[key] == nil {
                problems.append("\(location): required key \(key) is missing")
            }
            for (key, child) in object {
                if let property = properties[key] {
                    problems += check(child, against: property, at: "\(location).\(key)")
                } else if let extra = schema["additionalProperties"] {
                    if (extra as? Bool) == false {
                        problems.append("\(location): key \(key) is not in the spec")
                    } else if !(extra is Bool) {
                        problems += check(child, against: extra, at: "\(location).\(key)")
                    }
                }
            }
        }
        if let list = value as? [Any], let items = schema["items"] {
            for (index, child) in list.enumerated() { problems += check(child, against: items, at: "\(location)[\(index)]") }
        }
        return problems
    }
}
