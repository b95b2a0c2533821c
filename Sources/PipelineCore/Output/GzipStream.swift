import CZlib

/// Compresses a feed as gzip while it is written, for sinks whose path ends in `.gz`.
///
/// zlib's deflate with a gzip wrapper, by hand: no listed package compresses, and the stream
/// API is a few calls. The header zlib writes has no file name and a zero time, so the same
/// feed gives the same bytes on every run.
///
/// ```swift
/// var gzip = try GzipStream()
/// let compressed = try gzip.compress(bytes) + gzip.finish()
/// ```
final class GzipStream {
    private var stream = z_stream()
    private var finished = false

    /// Starts a stream at the default compression level.
    init() throws {
        // 15 window bits plus 16: a gzip header and trailer instead of zlib's.
        let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw GzipError(message: "cannot start gzip compression (zlib status \(status))") }
    }

    deinit {
        deflateEnd(&stream)
    }

    /// Compresses `input`; returns what zlib has ready (often nothing until enough has come).
    func compress(_ input: [UInt8]) throws -> [UInt8] {
        try run(input, flush: Z_NO_FLUSH)
    }

    /// Ends the stream: the last compressed bytes and the gzip trailer.
    func finish() throws -> [UInt8] {
        guard !finished else { return [] }
        finished = true
        return try run([], flush: Z_FINISH)
    }

    private func run(_ input: [UInt8], flush: Int32) throws -> [UInt8] {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        try input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = UInt32(inBuffer.count)
            repeat {
                let status: Int32 = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    return deflate(&stream, flush)
                }
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                    throw GzipError(message: "gzip compression failed (zlib status \(status))")
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.avail_out))])
                if status == Z_STREAM_END { break }
            } while stream.avail_out == 0 || (flush == Z_FINISH)
            stream.next_in = nil
        }
        return output
    }
}

/// Compression failed (zlib ran out of memory, say).
struct GzipError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
