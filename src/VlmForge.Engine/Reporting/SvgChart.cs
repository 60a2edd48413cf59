using System.Globalization;
using System.Net;
using System.Text;

namespace VlmForge.Engine.Reporting;

/// <summary>A small line chart as inline SVG (no script, no network), for the run report.</summary>
internal static class SvgChart
{
    private const int Width = 460;
    private const int Height = 220;
    private const int Left = 56;
    private const int Right = 12;
    private const int Top = 26;
    private const int Bottom = 30;

    /// <summary>One line: a name for the legend, a CSS colour and its (x, y) points.</summary>
    public sealed record Series(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);

    /// <summary>An <c>&lt;svg&gt;</c> with the series drawn over a shared x and y range, axes labelled with their extremes.</summary>
    public static string Render(string title, string xLabel, IReadOnlyList<Series> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" role=\"img\" aria-label=\"{Html(title)}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"16\" class=\"title\">{Html(title)}</text>");
        if (points.Length == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{Height / 2}\">no data</text></svg>");
            return svg.ToString();
        }
        double xMin = points.Min(p => p.X), xMax = points.Max(p => p.X);
        double yMin = Math.Min(0, points.Min(p => p.Y)), yMax = points.Max(p => p.Y);
        if (xMax == xMin) xMax = xMin + 1;
        if (yMax == yMin) yMax = yMin + 1;
        double X(double x) => Left + (x - xMin) / (xMax - xMin) * (Width - Left - Right);
        double Y(double y) => Height - Bottom - (y - yMin) / (yMax - yMin) * (Height - Top - Bottom);
        svg.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" class=\"axis\"/>" +
            $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" class=\"axis\"/>" +
            $"<text x=\"{Left - 4}\" y=\"{Top + 4}\" text-anchor=\"end\">{Number(yMax)}</text>" +
            $"<text x=\"{Left - 4}\" y=\"{Height - Bottom}\" text-anchor=\"end\">{Number(yMin)}</text>" +
            $"<text x=\"{Left}\" y=\"{Height - 10}\">{Number(xMin)}</text>" +
            $"<text x=\"{Width - Right}\" y=\"{Height - 10}\" text-anchor=\"end\">{Number(xMax)}</text>" +
            $"<text x=\"{(Left + Width) / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Html(xLabel)}</text>");
        int legend = 0;
        foreach (var line in series)
        {
            var drawn = line.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
            if (drawn.Length == 0) continue;
            string path = string.Join(" ", drawn.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.X):F1},{Y(p.Y):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline class=\"series\" data-series=\"{Html(line.Name)}\" fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"1.5\" points=\"{path}\"/>");
            if (drawn.Length == 1)
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(drawn[0].X):F1}\" cy=\"{Y(drawn[0].Y):F1}\" r=\"3\" fill=\"{line.Color}\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{Width - Right}\" y=\"{16 + 13 * legend++}\" text-anchor=\"end\" fill=\"{line.Color}\">{Html(line.Name)}</text>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Html(string text) => WebUtility.HtmlEncode(text);
}
