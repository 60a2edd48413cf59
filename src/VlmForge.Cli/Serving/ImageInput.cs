using VlmForge.Data.Images;

namespace VlmForge.Cli.Serving;

/// <summary>
/// The image of a request: a <c>data:image/...;base64,</c> URL, or a local file under <c>serve --image-folder</c>.
/// Both go through the same decoder as <c>vlmforge generate</c> (a data URL via a temporary file), so answers match.
/// The pixel count is checked from the header before anything is decoded.
/// </summary>
public static class ImageInput
{
    /// <summary>Decodes the image of <paramref name="url"/> and builds the prompt from its file with <paramref name="load"/>.</summary>
    /// <param name="url">The <c>image_url.url</c> of the request.</param>
    /// <param name="param">The request field, for errors.</param>
    /// <param name="options">The allowed folder and the pixel limit.</param>
    /// <param name="load">Reads the checked image file.</param>
    public static T Load<T>(string url, string param, ServeOptions options, Func<string, T> load)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(load);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return FromDataUrl(url, param, options, load);
        }
        if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiError.BadRequest("This server does not download images: send a data:image/png;base64,... URL, or a file path under serve --image-folder.", param);
        }
        return FromFile(url, param, options, load);
    }

    private static T FromDataUrl<T>(string url, string param, ServeOptions options, Func<string, T> load)
    {
        int comma = url.IndexOf(',', StringComparison.Ordinal);
        string header = comma < 0 ? url : url[..comma];
        if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiError.BadRequest("A data URL must look like data:image/png;base64,<data> (base64-encoded).", param);
        }
        string mediaType = header["data:".Length..^";base64".Length];
        if (!mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiError.BadRequest($"The data URL holds '{mediaType}', not an image: send image/png or image/jpeg.", param);
        }
        var data = url.AsSpan(comma + 1).Trim();
        var bytes = new byte[data.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(data, bytes, out int length) || length == 0)
        {
            throw ApiError.BadRequest("The data URL's image is not valid base64.", param);
        }
        string file = Path.Combine(Path.GetTempPath(), $"vlmforge-serve-{Guid.NewGuid():N}.img");
        try
        {
            File.WriteAllBytes(file, bytes.AsSpan(0, length).ToArray());
            return Decode(file, "The data URL's image", param, options, load);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static T FromFile<T>(string url, string param, ServeOptions options, Func<string, T> load)
    {
        if (options.ImageFolder is not { } folder)
        {
            throw ApiError.BadRequest("Local image paths are off: start the server with --image-folder DIR to allow files under DIR, or send a data: URL.", param);
        }
        string path = url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(url).LocalPath : url;
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(path, root);
        if (!full.StartsWith(root, StringComparison.Ordinal) || ResolvesOutside(full, root))
        {
            throw new ApiError(403, $"The image '{url}' is outside the allowed folder {root}.", param, "image_outside_folder");
        }
        if (!File.Exists(full))
        {
            throw ApiError.BadRequest($"The image '{url}' does not exist under {root}.", param);
        }
        return Decode(full, $"The image '{url}'", param, options, load);
    }

    /// <summary>A link inside the folder that points out of it does not make its target readable.</summary>
    private static bool ResolvesOutside(string full, string root)
    {
        var target = File.Exists(full) ? new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) : null;
        return target is not null && !target.FullName.StartsWith(root, StringComparison.Ordinal);
    }

    private static T Decode<T>(string file, string what, string param, ServeOptions options, Func<string, T> load)
    {
        try
        {
            var size = ImageDecoder.ReadSize(file);
            long pixels = (long)size.Width * size.Height;
            if (pixels > options.MaxImagePixels)
            {
                throw ApiError.BadRequest(
                    $"{what} is {size.Width} x {size.Height} = {pixels} pixels, more than this server's limit of {options.MaxImagePixels} " +
                    "(serve --max-image-pixels). Send a smaller image.", param, "image_too_large");
            }
            return load(file);
        }
        catch (ImageDecodeException e)
        {
            // The decoder names the temporary file the upload was written to, which means nothing to the client.
            var detail = e.Message.Replace($"Image '{file}'", "it", StringComparison.Ordinal).Replace(file, "the image", StringComparison.Ordinal);
            throw ApiError.BadRequest($"{what} cannot be decoded: {detail}", param, "invalid_image");
        }
    }
}
