using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Emulator;

/// <summary>The emulated <c>qdrant.Points</c> service: the calls the DocPipeline backend makes.</summary>
[BindServiceMethod(typeof(EmulatorPointsService), nameof(BindService))]
public class EmulatorPointsService(QdrantEmulator emulator)
{
    private const string Service = "qdrant.Points";

    /// <summary>Binds the handlers below (the handlers must be public virtual and declared on this type).</summary>
    public static void BindService(ServiceBinderBase binder, EmulatorPointsService? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        EmulatorMethods.Add<UpsertPoints, PointsOperationResponse>(binder, Service, nameof(Upsert));
        EmulatorMethods.Add<DeletePoints, PointsOperationResponse>(binder, Service, nameof(Delete));
        EmulatorMethods.Add<CreateFieldIndexCollection, PointsOperationResponse>(binder, Service, nameof(CreateFieldIndex));
        EmulatorMethods.Add<ScrollPoints, ScrollResponse>(binder, Service, nameof(Scroll));
        EmulatorMethods.Add<CountPoints, CountResponse>(binder, Service, nameof(Count));
        EmulatorMethods.Add<QueryPoints, QueryResponse>(binder, Service, nameof(Query));
        EmulatorMethods.Add<FacetCounts, FacetResponse>(binder, Service, nameof(Facet));
    }

    public virtual async Task<PointsOperationResponse> Upsert(UpsertPoints request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Points/Upsert", context);
        emulator.Collections.Get(request.CollectionName).Upsert(request.Points);
        return Completed();
    }

    public virtual async Task<PointsOperationResponse> Delete(DeletePoints request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Points/Delete", context);
        emulator.Collections.Get(request.CollectionName).Delete(request.Points);
        return Completed();
    }

    public virtual async Task<PointsOperationResponse> CreateFieldIndex(CreateFieldIndexCollection request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Points/CreateFieldIndex", context);
        emulator.Collections.Get(request.CollectionName).CreateIndex(request.FieldName, request.FieldType);
        return Completed();
    }

    public virtual async Task<ScrollResponse> Scroll(ScrollPoints request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Points/Scroll", context);
        var withVectors = request.WithVectors is { SelectorOptionsCase: WithVectorsSelector.SelectorOptionsOneofCase.Enable, Enable: true };
        var (page, next) = emulator.Collections.Get(request.CollectionName)
            .Scroll(request.Filter, request.Offset, request.HasLimit ? (int)request.Limit : 10, request.WithPayload, withVectors);
        var response = new ScrollResponse { Result = { page } };
        if (next is not null)
        {
            response.NextPageOffset = next;
        }

        return response;
    }

    public virtual async Task<CountResponse> Count(CountPoints request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Points/Count", context);
        return new CountResponse { Result = new CountResult { Count = emulator.Collections.Get(request.CollectionName).Count(request.Filter) } };
    }

    public virtual async Task<QueryResponse> Query(QueryPoints request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Points/Query", context);
        if (request.Query?.Nearest?.Dense is not { } dense)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "The emulator answers nearest queries by a dense vector only."));
        }

        var limit = request.HasLimit ? (int)request.Limit : 10;
        var hits = emulator.Collections.Get(request.CollectionName).Query([.. dense.Data], request.Filter, limit, request.WithPayload);
        return new QueryResponse { Result = { hits } };
    }

    public virtual async Task<FacetResponse> Facet(FacetCounts request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        await emulator.EnterAsync(request.CollectionName, "Points/Facet", context);
        var limit = request.HasLimit ? (int)Math.Min(request.Limit, int.MaxValue) : 10;
        return new FacetResponse { Hits = { emulator.Collections.Get(request.CollectionName).Facet(request.Key, request.Filter, limit) } };
    }

    private static PointsOperationResponse Completed() =>
        new() { Result = new UpdateResult { Status = UpdateStatus.Completed } };
}
