using System.Collections;
using System.Reflection;
using ActorCampaigns.Domain.Campaigns;

namespace ActorCampaigns.Engine.Tests.Serialization;

/// <summary>
/// Equality field by field, through lists and dictionaries (records compare collections by reference): two objects
/// are the same when every public property is, recursively; a difference fails with its path.
/// </summary>
public static class Structural
{
    public static void AssertSame(object? expected, object? actual, string path = "$")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, found {actual ?? "null"}");
            return;
        }
        var type = expected.GetType();
        switch (expected)
        {
            case DateTime at:
                var other = Assert.IsType<DateTime>(actual);
                Assert.True(at == other && at.Kind == other.Kind, $"{path}: expected {at:O} ({at.Kind}), found {other:O} ({other.Kind})");
                return;
            case VariableValue variable:
                var value = Assert.IsType<VariableValue>(actual).Value;
                Assert.True(variable.Value.GetType() == value.GetType() && variable.Value.Equals(value),
                    $"{path}: expected {variable.Value} ({variable.Value.GetType().Name}), found {value} ({value.GetType().Name})");
                return;
            case string or Enum or ValueType:
                Assert.True(expected.Equals(actual), $"{path}: expected {expected} ({type.Name}), found {actual} ({actual.GetType().Name})");
                return;
            case IDictionary dictionary:
                var found = Assert.IsAssignableFrom<IDictionary>(actual);
                var keys = dictionary.Keys.Cast<object>().Select(k => k.ToString()!).Order(StringComparer.Ordinal).ToList();
                Assert.True(keys.SequenceEqual(found.Keys.Cast<object>().Select(k => k.ToString()!).Order(StringComparer.Ordinal)),
                    $"{path}: expected keys {string.Join(", ", keys)}, found {string.Join(", ", found.Keys.Cast<object>())}");
                foreach (var key in dictionary.Keys)
                    AssertSame(dictionary[key], found[key], $"{path}.{key}");
                return;
            case IEnumerable sequence:
                var items = sequence.Cast<object?>().ToList();
                var foundItems = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
                Assert.True(items.Count == foundItems.Count, $"{path}: expected {items.Count} items, found {foundItems.Count}");
                for (var i = 0; i < items.Count; i++)
                    AssertSame(items[i], foundItems[i], $"{path}[{i}]");
                return;
        }
        Assert.True(type == actual.GetType(), $"{path}: expected a {type.Name}, found a {actual.GetType().Name}");
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
            AssertSame(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
    }
}
