using System.IO.Compression;

namespace Arm64Vm.Host.Images;

/// <summary>gzip (RFC 1952) detection and bounded decompression for compressed kernels and initrds.</summary>
internal static class Gzip
{
    /// <summary>The gzip member header: ID1 0x1F, ID2 0x8B, CM 8 (deflate).</summary>
    public static bool LooksCompressed(ReadOnlySpan<byte> data) => data.Length >= 18 && data[0] == 0x1F && data[1] == 0x8B && data[2] == 8;

    /// <summary>Decompresses at most <paramref name="limit"/> bytes; false when the data is not valid gzip or is larger.</summary>
    public static bool TryDecompress(byte[] data, int limit, out byte[] result)
    {
        result = Array.Empty<byte>();
        try
        {
            using var input = new GZipStream(new MemoryStream(data, writable: false), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[1 << 16];
            int n;
            while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + n > limit) return false;
                output.Write(buffer, 0, n);
            }
            result = output.ToArray();
            return true;
        }
        catch (InvalidDataException) { return false; }
    }
}
