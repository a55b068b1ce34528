using System.Text;

namespace ActorCampaigns.Domain.Expressions;

/// <summary>A SQL boolean or value expression with its parameters, values encoded for the dialect.</summary>
public sealed record CompiledSql(string Text, IReadOnlyList<KeyValuePair<string, object?>> Parameters);

/// <summary>
/// Compiles a bound expression to SQL. Every value, literal or variable, becomes a parameter; only
/// validated column names and fixed keywords reach the text. Both dialects are written to give the
/// same answers as <see cref="Evaluator"/>: <c>like</c>, <c>lower</c> and <c>upper</c> fold ASCII letters only,
/// strings compare by code point, division by zero is null.
/// </summary>
public sealed class SqlCompiler
{
    private const string AsciiUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string AsciiLower = "abcdefghijklmnopqrstuvwxyz";

    private readonly SqlDialect _dialect;
    private readonly EvaluationContext _context;
    private readonly Func<string, string> _column;
    private readonly string _prefix;
    private readonly List<KeyValuePair<string, object?>> _parameters = [];
    private readonly StringBuilder _sql = new();

    private SqlCompiler(SqlDialect dialect, EvaluationContext context, Func<string, string> column, string prefix)
    {
        _dialect = dialect;
        _context = context;
        _column = column;
        _prefix = prefix;
    }

    /// <param name="column">SQL for a column name; by default the quoted name.</param>
    /// <param name="parameterPrefix">Prefix of parameter names, so several compiled expressions can share a statement.</param>
    public static CompiledSql Compile(Bound expression, SqlDialect dialect, EvaluationContext context,
        Func<string, string>? column = null, string parameterPrefix = "f")
    {
        var compiler = new SqlCompiler(dialect, context, column ?? QuoteIdentifier, parameterPrefix);
        compiler.Emit(expression);
        return new CompiledSql(compiler._sql.ToString(), compiler._parameters);
    }

    /// <summary>Quotes a name already checked against <c>[A-Za-z][A-Za-z0-9_]*</c>.</summary>
    public static string QuoteIdentifier(string name) =>
        name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && name.Length > 0
            ? $"\"{name}\""
            : throw new ArgumentException($"'{name}' is not a valid column name", nameof(name));

    private void Emit(Bound node)
    {
        switch (node)
        {
            case BoundLiteral literal:
                Value(literal.Type, literal.Value);
                break;
            case BoundColumn column:
                _sql.Append(_column(column.Name));
                break;
            case BoundVariable variable:
                Value(variable.Type, _context.Variables.GetValueOrDefault(variable.Name));
                break;
            case BoundNow:
                Value(ExprType.Timestamp, _context.Now);
                break;
            case BoundDateToTimestamp promote:
                if (_dialect == SqlDialect.Sqlite)
                    Wrap("(", promote.Operand, $" * {SqlValues.MicrosecondsPerDay})");
                else
                    Wrap("(CAST(", promote.Operand, " AS timestamp) AT TIME ZONE 'UTC')");
                break;
            case BoundUnary unary:
                Wrap(unary.Operator == UnaryOperator.Not ? "(NOT " : "(-", unary.Operand, ")");
                break;
            case BoundBinary binary:
                EmitBinary(binary);
                break;
            case BoundIn @in:
                _sql.Append('(');
                EmitCollated(@in.Operand);
                _sql.Append(@in.Negated ? " NOT IN (" : " IN (");
                for (var i = 0; i < @in.Items.Count; i++)
                {
                    if (i > 0)
                        _sql.Append(", ");
                    Emit(@in.Items[i]);
                }
                _sql.Append("))");
                break;
            case BoundBetween between:
                _sql.Append('(');
                EmitCollated(between.Operand);
                _sql.Append(between.Negated ? " NOT BETWEEN " : " BETWEEN ");
                Emit(between.Low);
                _sql.Append(" AND ");
                Emit(between.High);
                _sql.Append(')');
                break;
            case BoundLike like:
                EmitLike(like);
                break;
            case BoundIsNull isNull:
                Wrap("(", isNull.Operand, isNull.Negated ? " IS NOT NULL)" : " IS NULL)");
                break;
            case BoundCall call:
                EmitCall(call);
                break;
            case BoundFeedback feedback:
                _sql.Append("EXISTS (SELECT 1");
                EmitFeedbackEvents(feedback);
                _sql.Append(')');
                break;
            case BoundFeedbackCount count:
                _sql.Append("(SELECT COUNT(*)");
                EmitFeedbackEvents(count.Feedback);
                _sql.Append(')');
                break;
            case BoundFileColumn file:
                EmitFileColumn(file);
                break;
            case BoundAggregateColumn aggregate:
                EmitAggregateColumn(aggregate);
                break;
            case BoundConversion conversion:
                _sql.Append("EXISTS (SELECT 1");
                EmitConversionEvents(conversion);
                _sql.Append(')');
                break;
            case BoundConversionAggregate { Sum: false } count:
                _sql.Append("(SELECT COUNT(*)");
                EmitConversionEvents(count.Conversion);
                _sql.Append(')');
                break;
            case BoundConversionAggregate sum:
                _sql.Append(_dialect == SqlDialect.Sqlite ? "(SELECT CAST(COALESCE(SUM(ce.value), 0) AS REAL)" : "(SELECT COALESCE(SUM(ce.value), 0)::double precision");
                EmitConversionEvents(sum.Conversion);
                _sql.Append(')');
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    /// <summary>
    /// The feedback events of the profile being read (a row of <c>profiles</c>) that match the predicate; for
    /// <c>sent(...)</c>, its sends.
    /// </summary>
    private void EmitFeedbackEvents(BoundFeedback feedback)
    {
        var (at, named) = feedback.Kind == FeedbackKind.Sent ? ("se.at", "sg") : ("fe.at", "fe");
        if (feedback.Kind == FeedbackKind.Sent)
        {
            _sql.Append($" FROM {Sends.Table} se JOIN {Sends.Sendings} sg ON sg.id = se.sending WHERE se.profile = profiles.\"id\"");
        }
        else
        {
            _sql.Append($" FROM {FeedbackEvents.Table} fe WHERE fe.profile = profiles.\"id\" AND fe.kind ");
            _sql.Append(feedback.Machine ? "IN (" : "= ");
            Value(ExprType.String, FeedbackEvents.Name(feedback.Kind));
            if (feedback.Machine)
            {
                _sql.Append(", ");
                Value(ExprType.String, FeedbackEvents.Name(feedback.Kind, machine: true));
                _sql.Append(')');
            }
        }
        if (feedback.Activity is { } activity && activity != "*")
        {
            var execution = _context.Execution
                ?? throw new InvalidOperationException($"feedback of activity '{activity}' is read within an execution, and none is given");
            _sql.Append($" AND {named}.campaign = ");
            Value(ExprType.String, execution.Campaign);
            _sql.Append($" AND {named}.execution = ");
            Value(ExprType.String, execution.Execution);
            _sql.Append($" AND {named}.activity = ");
            Value(ExprType.String, activity);
        }
        if (feedback.Window is { } window)
        {
            _sql.Append($" AND {at} >= ");
            Value(ExprType.Int, new DateTimeOffset(DateTime.SpecifyKind(_context.Now, DateTimeKind.Utc) - window).ToUnixTimeMilliseconds());
        }
    }

    /// <summary>The value of a column of the file row matched to the profile being read (a row of <c>profiles</c>), typed.</summary>
    private void EmitFileColumn(BoundFileColumn file)
    {
        var execution = _context.Execution
            ?? throw new InvalidOperationException($"the file columns of reconciliation '{file.Reconciliation}' are read within an execution, and none is given");
        EmitJsonValue("lr.row_values", file.Type, file.Column);
        _sql.Append(" FROM reconciled_profiles rp JOIN loaded_rows lr ON lr.campaign = rp.campaign AND lr.execution = rp.execution AND lr.line = rp.line AND lr.activity = ");
        Value(ExprType.String, file.Load);
        _sql.Append(" WHERE rp.profile_id = profiles.\"id\" AND rp.campaign = ");
        Value(ExprType.String, execution.Campaign);
        _sql.Append(" AND rp.execution = ");
        Value(ExprType.String, execution.Execution);
        _sql.Append(" AND rp.activity = ");
        Value(ExprType.String, file.Reconciliation);
        _sql.Append(')');
    }

    /// <summary>An aggregate a changeDimension computed for the profile being read (a row of <c>profiles</c>), typed.</summary>
    private void EmitAggregateColumn(BoundAggregateColumn aggregate)
    {
        var execution = _context.Execution
            ?? throw new InvalidOperationException($"the aggregates of '{aggregate.Change}' are read within an execution, and none is given");
        EmitJsonValue("cp.row_values", aggregate.Type, aggregate.Column);
        _sql.Append(" FROM changed_profiles cp WHERE cp.profile_id = profiles.\"id\" AND cp.campaign = ");
        Value(ExprType.String, execution.Campaign);
        _sql.Append(" AND cp.execution = ");
        Value(ExprType.String, execution.Execution);
        _sql.Append(" AND cp.activity IN (");
        Value(ExprType.String, aggregate.Change);
        _sql.Append(", ");
        Value(ExprType.String, aggregate.Change + BoundAggregateColumn.SecondWave);
        _sql.Append("))");
    }

    /// <summary>Opens a subquery selecting the member <paramref name="name"/> of a JSON object column, as <paramref name="type"/>.</summary>
    private void EmitJsonValue(string values, ExprType type, string name)
    {
        var column = QuoteIdentifier(name).Trim('"');
        // SQLite's json_extract gives a whole number for 8.0, which must still divide as a number.
        _sql.Append(_dialect == SqlDialect.Sqlite
            ? type switch
            {
                ExprType.Number => $"(SELECT CAST(json_extract({values}, '$.{column}') AS REAL)",
                ExprType.Int => $"(SELECT CAST(json_extract({values}, '$.{column}') AS INTEGER)",
                _ => $"(SELECT json_extract({values}, '$.{column}')",
            }
            : $"(SELECT CAST(CAST({values} AS jsonb) ->> '{column}' AS {PostgresType(type)})");
    }

    /// <summary>The conversion events of the profile being read (a row of <c>profiles</c>) of the name, within the window.</summary>
    private void EmitConversionEvents(BoundConversion conversion)
    {
        _sql.Append($" FROM {ConversionEvents.Table} ce WHERE ce.profile = profiles.\"id\" AND ce.name = ");
        Value(ExprType.String, conversion.Name);
        if (conversion.Window is { } window)
        {
            _sql.Append(" AND ce.at >= ");
            Value(ExprType.Int, new DateTimeOffset(DateTime.SpecifyKind(_context.Now, DateTimeKind.Utc) - window).ToUnixTimeMilliseconds());
        }
    }

    /// <summary>
    /// A pattern read at run time may be longer than SQLite's LIKE takes (an error): over <see cref="Parser.MaxLikePattern"/>
    /// characters the answer is null, as the evaluator gives. SQLite's length() stops at a NUL, so its bytes are bounded too.
    /// </summary>
    private void EmitLike(BoundLike like)
    {
        var guarded = like.Pattern is not BoundLiteral;
        if (guarded)
        {
            Wrap("(CASE WHEN length(", like.Pattern, $") <= {Parser.MaxLikePattern}");
            if (_dialect == SqlDialect.Sqlite)
                Wrap(" AND length(CAST(", like.Pattern, $" AS BLOB)) <= {Parser.MaxLikePattern * 4}");
            _sql.Append(" THEN ");
        }
        _sql.Append('(');
        EmitAsciiLower(like.Operand);
        _sql.Append(like.Negated ? " NOT LIKE " : " LIKE ");
        EmitAsciiLower(like.Pattern);
        _sql.Append(_dialect == SqlDialect.PostgreSql ? " ESCAPE '')" : ")");
        if (guarded)
            _sql.Append(" END)");
    }

    private void EmitBinary(BoundBinary binary)
    {
        var op = binary.Operator switch
        {
            BinaryOperator.And => " AND ",
            BinaryOperator.Or => " OR ",
            BinaryOperator.Equal => " = ",
            BinaryOperator.NotEqual => " <> ",
            BinaryOperator.Less => " < ",
            BinaryOperator.LessOrEqual => " <= ",
            BinaryOperator.Greater => " > ",
            BinaryOperator.GreaterOrEqual => " >= ",
            BinaryOperator.Add => " + ",
            BinaryOperator.Subtract => " - ",
            BinaryOperator.Multiply => " * ",
            _ => " / ",
        };
        _sql.Append('(');
        if (binary.Operator is BinaryOperator.Divide)
        {
            Emit(binary.Left);
            Wrap(" / NULLIF(", binary.Right, ", 0)");
        }
        else
        {
            EmitCollated(binary.Left);
            _sql.Append(op);
            Emit(binary.Right);
        }
        _sql.Append(')');
    }

    private void EmitCall(BoundCall call)
    {
        var args = call.Arguments;
        var pg = _dialect == SqlDialect.PostgreSql;
        switch (call.Function)
        {
            case Function.Lower:
                EmitAsciiLower(args[0]);
                break;
            case Function.Upper:
                if (pg)
                    Wrap("translate(", args[0], $", '{AsciiLower}', '{AsciiUpper}')");
                else
                    Wrap("upper(", args[0], ")");
                break;
            case Function.Length:
                Wrap("length(", args[0], ")");
                break;
            case Function.Contains:
                Wrap(pg ? "(strpos(" : "(instr(", args[0], ", ");
                Wrap("", args[1], ") > 0)");
                break;
            case Function.StartsWith:
                if (pg)
                {
                    Wrap("starts_with(", args[0], ", ");
                    Wrap("", args[1], ")");
                }
                else
                {
                    Wrap("(substr(", args[0], ", 1, length(");
                    Wrap("", args[1], ")) = ");
                    Emit(args[1]);
                    _sql.Append(')');
                }
                break;
            case Function.DaysAgo:
                // Null beyond the calendar, as in memory; PostgreSQL would raise "timestamp out of range".
                var (fewest, most) = _context.DaysAgoRange;
                Wrap("(CASE WHEN ", args[0], " BETWEEN ");
                Value(ExprType.Int, fewest);
                _sql.Append(" AND ");
                Value(ExprType.Int, most);
                _sql.Append(" THEN (");
                Value(ExprType.Timestamp, _context.Now);
                if (pg)
                    Wrap(" - INTERVAL '1 second' * (", args[0], " * 86400))");
                else
                    Wrap(" - (", args[0], $") * {SqlValues.MicrosecondsPerDay})");
                _sql.Append(" END)");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(call));
        }
    }

    /// <summary>PostgreSQL compares text by the database collation; "C" gives code-point order as SQLite and the evaluator do.</summary>
    private void EmitCollated(Bound operand)
    {
        Emit(operand);
        if (_dialect == SqlDialect.PostgreSql && operand.Type == ExprType.String)
            _sql.Append(" COLLATE \"C\"");
    }

    /// <summary>SQLite's lower() and LIKE fold ASCII only; PostgreSQL is made to do the same with translate().</summary>
    private void EmitAsciiLower(Bound operand)
    {
        if (_dialect == SqlDialect.PostgreSql)
            Wrap("translate(", operand, $", '{AsciiUpper}', '{AsciiLower}')");
        else
            Wrap("lower(", operand, ")");
    }

    private void Wrap(string before, Bound operand, string after)
    {
        _sql.Append(before);
        Emit(operand);
        _sql.Append(after);
    }

    private void Value(ExprType type, object? value)
    {
        if (value is null)
        {
            _sql.Append(_dialect == SqlDialect.PostgreSql && type != ExprType.Null ? $"CAST(NULL AS {PostgresType(type)})" : "NULL");
            return;
        }
        var name = $"@{_prefix}{_parameters.Count}";
        _parameters.Add(new(name, SqlValues.Encode(_dialect, value)));
        _sql.Append(_dialect == SqlDialect.PostgreSql ? $"CAST({name} AS {PostgresType(type)})" : name);
    }

    public static string PostgresType(ExprType type) => type switch
    {
        ExprType.Bool => "boolean",
        ExprType.Int => "bigint",
        ExprType.Number => "double precision",
        ExprType.Date => "date",
        ExprType.Timestamp => "timestamptz",
        _ => "text",
    };
}
