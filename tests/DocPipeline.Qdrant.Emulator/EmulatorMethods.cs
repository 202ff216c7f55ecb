using Google.Protobuf;
using Grpc.Core;

namespace DocPipeline.Qdrant.Emulator;

/// <summary>
/// Method descriptors of the Qdrant services, built from the message parsers of <c>Qdrant.Client</c> (the package has
/// client code only: no server base classes and no <c>BindService</c>).
/// </summary>
internal static class EmulatorMethods
{
    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var requests = new MessageParser<TRequest>(() => new TRequest());
        var responses = new MessageParser<TResponse>(() => new TResponse());
        return new Method<TRequest, TResponse>(
            MethodType.Unary,
            service,
            name,
            Marshallers.Create(m => m.ToByteArray(), requests.ParseFrom),
            Marshallers.Create(m => m.ToByteArray(), responses.ParseFrom));
    }

    /// <summary>Adds a unary method; ASP.NET Core finds the handler by the method's name on the service type.</summary>
    public static void Add<TRequest, TResponse>(ServiceBinderBase binder, string service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        binder.AddMethod(Unary<TRequest, TResponse>(service, name), (UnaryServerMethod<TRequest, TResponse>)null!);
}
