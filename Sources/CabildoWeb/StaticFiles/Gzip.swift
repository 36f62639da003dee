import CZlib

/// gzip (RFC 1952) of a whole body at once, with zlib's best compression: the static files are
/// compressed once at start, so the slowest level costs nothing per request.
enum Gzip {
    struct Failed: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "zlib failed to compress (code \(code))" }
    }

    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        // 15 bits of window, +16 for a gzip header and trailer rather than zlib's own.
        var status = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failed(code: status) }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))))
        var input = input
        status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        // deflateBound leaves room for the whole output, so one call finishes the stream.
        guard status == Z_STREAM_END else { throw Failed(code: status) }
        return Array(output.prefix(Int(stream.total_out)))
    }
}
