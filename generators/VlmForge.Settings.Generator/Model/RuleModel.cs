namespace VlmForge.Settings.Generator.Model;

/// <summary>
/// A cross-setting rule: when every <see cref="When"/> condition holds, the <see cref="Require"/> setting must
/// have one of its listed values.
/// </summary>
/// <param name="When">Conditions (each a setting and the one value it must equal).</param>
/// <param name="Require">The constrained setting and its allowed values.</param>
/// <param name="Message">Why, and what to do; appended to the error.</param>
internal sealed record RuleModel(EquatableArray<ConditionModel> When, ConditionModel Require, string Message);

/// <summary>A setting and the values it is compared with, or (int and float requirements) the range it must be in.</summary>
/// <param name="Key">TOML key.</param>
/// <param name="PropertyName">C# property.</param>
/// <param name="Kind">The setting's type (bool, int, float, string, path, enum or plugin).</param>
/// <param name="EnumTypeName">For enums: the C# type.</param>
/// <param name="Values">The values, each as TOML and as a C# expression; empty when <paramref name="Range"/> is set.</param>
/// <param name="Range">For <c>require = { key = "&gt; 0" }</c>: the range the number must be in.</param>
internal sealed record ConditionModel(string Key, string PropertyName, SettingKind Kind, string? EnumTypeName, EquatableArray<ValueModel> Values,
    RangeModel? Range = null);

/// <summary>A value in TOML and C# form.</summary>
/// <param name="Toml">TOML text, for example <c>"full"</c>.</param>
/// <param name="CSharp">C# expression, for example <c>global::Ns.ModelTrainingMode.Full</c>.</param>
internal sealed record ValueModel(string Toml, string CSharp);
