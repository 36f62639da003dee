import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// What members type must reach the committee's exports as text: a title or a summary must not
/// write headings, links or HTML into the Markdown report, nor formulas into the spreadsheet.
@Suite(.serialized) struct ExportAbuseTests {
    @Test func everyCSVFieldIsQuotedSoSemicolonsSplitNothing() async throws {
        try await withApp { host, store in
            try await host.register("atacante")
            _ = try await host.openThread(title: "x;=1+1", body: "Texto")
            let committee = try await host.staff("comite", role: .committee, store: store)
            let csv = try await committee.get("/harvest.csv").html
            #expect(csv.contains(",\"x;=1+1\","))
            let records = csv.components(separatedBy: "\r\n").dropLast()
            #expect(records.count == 2)
            for record in records {
                #expect(record.hasPrefix("\"") && record.hasSuffix("\""), "\(record)")
                #expect(record.components(separatedBy: "\",\"").count == HarvestExport.csvColumns.count, "\(record)")
            }
        }
    }
}
