using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LiveCommunity.Server.Storage;

/// <summary>
/// 64 bits of SHA-256 over a reply's UTF-8 text: stable across processes, versions and providers (unlike
/// string.GetHashCode), so rows written by one instance are found by another. A collision only costs a
/// comparison of the text, which the duplicate check makes anyway.
/// </summary>
public static class ReplyBodyHash
{
    public static long Of(string text)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var byteCount = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (byteCount <= 1024)
        {
            Span<byte> utf8 = stackalloc byte[byteCount];
            SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(text, utf8)], digest);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        }
        return BinaryPrimitives.ReadInt64LittleEndian(digest);
    }
}
