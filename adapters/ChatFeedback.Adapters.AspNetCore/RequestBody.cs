using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace ChatFeedback.Adapters.AspNetCore;

/// <summary>Reading a channel's request body with a size limit, so an oversized payload is refused, not buffered.</summary>
public static class RequestBody
{
    /// <summary>
    /// The whole body, or null when it is (or announces itself as) larger than <paramref name="limit"/> bytes:
    /// reading stops as soon as the limit is passed.
    /// </summary>
    public static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        var chunk = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.WrittenCount + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
