// Two namespaces that use each other, only so that LayeringTests can show its check fails on a cycle; the use of
// Up from Down is in a method body, the kind of use a look at signatures alone would miss.
namespace LiveCommunity.Server.Tests.Architecture.Cycle.Up
{
    public static class Caller
    {
        public static int Call() => Down.Callee.Answer();
    }
}

namespace LiveCommunity.Server.Tests.Architecture.Cycle.Down
{
    public static class Callee
    {
        public static int Answer() => 42;

        public static string CallBack() => nameof(Up.Caller) + Up.Caller.Call();
    }
}
