using Grpc.Core;
using Qdrant.Client.Grpc;

namespace DocPipeline.Qdrant.Emulator;

/// <summary>
/// Collection aliases, as Qdrant keeps them: a name that stands for a collection in every collection and point call;
/// one <c>UpdateAliases</c> request applies all its operations atomically, in order.
/// </summary>
public sealed partial class EmulatorCollections
{
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);

    /// <summary>Applies create, rename and delete operations in one step; a create over an existing alias moves it.</summary>
    public void UpdateAliases(ChangeAliases request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_collections)
        {
            var next = new Dictionary<string, string>(_aliases, StringComparer.Ordinal);
            foreach (var operation in request.Actions)
            {
                switch (operation.ActionCase)
                {
                    case AliasOperations.ActionOneofCase.CreateAlias:
                        var create = operation.CreateAlias;
                        if (!_collections.ContainsKey(create.CollectionName))
                        {
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{create.CollectionName}` doesn't exist!"));
                        }

                        if (_collections.ContainsKey(create.AliasName))
                        {
                            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Wrong input: Collection `{create.AliasName}` already exists!"));
                        }

                        next[create.AliasName] = create.CollectionName;
                        break;
                    case AliasOperations.ActionOneofCase.RenameAlias:
                        var rename = operation.RenameAlias;
                        if (!next.Remove(rename.OldAliasName, out var target))
                        {
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Alias `{rename.OldAliasName}` doesn't exist!"));
                        }

                        next[rename.NewAliasName] = target;
                        break;
                    case AliasOperations.ActionOneofCase.DeleteAlias:
                        if (!next.Remove(operation.DeleteAlias.AliasName))
                        {
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Alias `{operation.DeleteAlias.AliasName}` doesn't exist!"));
                        }

                        break;
                    default:
                        throw new RpcException(new Status(StatusCode.InvalidArgument, "Empty alias operation."));
                }
            }

            _aliases.Clear();
            foreach (var (alias, collection) in next)
            {
                _aliases[alias] = collection;
            }
        }
    }

    /// <summary>Every alias with its collection.</summary>
    public List<AliasDescription> ListAliases()
    {
        lock (_collections)
        {
            return _aliases.Select(a => new AliasDescription { AliasName = a.Key, CollectionName = a.Value }).ToList();
        }
    }
}
