import CabildoTestSupport
import Foundation
import Testing

/// Every setting the code reads is documented where operators look for it.
@Suite struct DocumentationTests {
    @Test func everyEnvironmentVariableIsInTheReadmeAndTheSettingsExample() throws {
        let sources = try FileManager.default.subpathsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Sources").path)
            .filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOf: repositoryRoot.appendingPathComponent("Sources/" + $0), encoding: .utf8) }
            .joined()
        let pattern = try NSRegularExpression(pattern: "\"(CABILDO_[A-Z0-9_]+)\"")
        let names = Set(pattern.matches(in: sources, range: NSRange(sources.startIndex..., in: sources)).compactMap {
            Range($0.range(at: 1), in: sources).map { String(sources[$0]) }
        })
        #expect(names.count > 30)
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(contentsOf: repositoryRoot.appendingPathComponent("Deploy/cabildo.env.example"), encoding: .utf8)
        for name in names {
            #expect(readme.contains(name) || readme.contains(name.replacingOccurrences(of: "CABILDO_ARGON2_", with: "_")), "README lacks \(name)")
            #expect(example.contains(name + "="), "cabildo.env.example lacks \(name)")
        }
    }
}
