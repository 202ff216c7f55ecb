using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Emulator;

/// <summary>The emulated <c>qdrant.Collections</c> service: create, delete, describe, exists, aliases.</summary>
[BindServiceMethod(typeof(EmulatorCollectionsService), nameof(BindService))]
public class EmulatorCollectionsService(QdrantEmulator emulator)
{
    private const string Service = "qdrant.Collections";

    /// <summary>Binds the handlers below (the handlers must be public virtual and declared on this type).</summary>
    public static void BindService(ServiceBinderBase binder, EmulatorCollectionsService? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        EmulatorMethods.Add<CreateCollection, CollectionOperationResponse>(binder, Service, nameof(Create));
        EmulatorMethods.Add<DeleteCollection, CollectionOperationResponse>(binder, Service, nameof(Delete));
        EmulatorMethods.Add<GetCollectionInfoRequest, GetCollectionInfoResponse>(binder, Service, nameof(Get));
        EmulatorMethods.Add<CollectionExistsRequest, CollectionExistsResponse>(binder, Service, nameof(CollectionExists));
        EmulatorMethods.Add<ChangeAliases, CollectionOperationResponse>(binder, Service, nameof(UpdateAliases));
        EmulatorMethods.Add<ListAliasesRequest, ListAliasesResponse>(binder, Service, nameof(ListAliases));
    }

    public virtual async Task<CollectionOperationResponse> UpdateAliases(ChangeAliases request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(string.Empty, "Collections/UpdateAliases", context);
        emulator.Collections.UpdateAliases(request);
        return new CollectionOperationResponse { Result = true };
    }

    public virtual async Task<ListAliasesResponse> ListAliases(ListAliasesRequest request, ServerCallContext context)
    {
        await emulator.EnterAsync(string.Empty, "Collections/ListAliases", context);
        var response = new ListAliasesResponse();
        response.Aliases.AddRange(emulator.Collections.ListAliases());
        return response;
    }

    public virtual async Task<CollectionOperationResponse> Create(CreateCollection request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Collections/Create", context);
        emulator.Collections.Create(request);
        return new CollectionOperationResponse { Result = true };
    }

    public virtual async Task<CollectionOperationResponse> Delete(DeleteCollection request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Collections/Delete", context);
        return new CollectionOperationResponse { Result = emulator.Collections.Delete(request.CollectionName) };
    }

    public virtual async Task<GetCollectionInfoResponse> Get(GetCollectionInfoRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Collections/Get", context);
        return new GetCollectionInfoResponse { Result = emulator.Collections.Get(request.CollectionName).Info() };
    }

    public virtual async Task<CollectionExistsResponse> CollectionExists(CollectionExistsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Collections/CollectionExists", context);
        return new CollectionExistsResponse { Result = new CollectionExists { Exists = emulator.Collections.Exists(request.CollectionName) } };
    }
}

/// <summary>The emulated <c>qdrant.Qdrant</c> service: the health check.</summary>
[BindServiceMethod(typeof(EmulatorHealthService), nameof(BindService))]
public class EmulatorHealthService(QdrantEmulator emulator)
{
    /// <summary>Binds <see cref="HealthCheck"/>.</summary>
    public static void BindService(ServiceBinderBase binder, EmulatorHealthService? service) =>
        EmulatorMethods.Add<HealthCheckRequest, HealthCheckReply>(binder, "qdrant.Qdrant", nameof(HealthCheck));

    public virtual async Task<HealthCheckReply> HealthCheck(HealthCheckRequest request, ServerCallContext context)
    {
        await emulator.EnterAsync(string.Empty, "Qdrant/HealthCheck", context);
        return new HealthCheckReply { Title = "qdrant - vector search engine (DocPipeline test emulator)", Version = "1.15.0" };
    }
}
